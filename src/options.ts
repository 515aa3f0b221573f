/**
 * Options of the client, the `EventSource` facade and the stream actors, with validation that
 * throws at once (with actionable text) rather than failing later on a connection.
 *
 * @module
 */
import type { SseMachineInput } from '../machines/connection.machine.js';
import { MAX_DELAY, type ReconnectStrategy } from './backoff.js';
import { HTTP_TOKEN, headerProblem } from './header-syntax.js';
import { parseHttpUrl } from './http-url.js';
import { redactUrl } from './redact.js';
import {
  headersToRecord,
  type ReconnectOnEnd,
  type ShouldReconnect,
  type SseBody,
  type SseHeaders,
  type SseHeadersOption,
} from './request.js';
import type { ConnectionOptions } from './transport/connection-options.js';
import type { FetchLike } from './transport/fetch.js';

export type { ReconnectQuestion, ShouldReconnect, SseBody, SseHeaders, SseHeadersOption } from './request.js';

/** The reconnection policy as a user writes it. Limits accept `Infinity`. */
export interface ReconnectOptions {
  /** @defaultValue `'exponential'` */
  strategy?: ReconnectStrategy;
  /** First wait in ms (the base a server's `retry:` replaces). @defaultValue 1000 */
  initialDelay?: number;
  /** Cap on a computed wait, ms. @defaultValue 30000 */
  maxDelay?: number;
  /** Reconnects in a row before `failed` with `RECONNECT_EXHAUSTED`. @defaultValue Infinity */
  maxAttempts?: number;
  /** Total backoff wait (ms) since the last stable connection before giving up. @defaultValue Infinity */
  maxElapsed?: number;
  /** 0–1, randomises a wait `d` into `[d·(1−jitter), d]`. @defaultValue 0.2 */
  jitter?: number;
  /** How long (ms) a connection must stay open before the attempt counter resets. @defaultValue 10000 */
  resetAfter?: number;
}

/**
 * Options shared by `createSseClient`, `EventSource` and the stream actors. The
 * {@link ConnectionOptions} (`proxy`, `noProxy`, `tls`, `http2`) apply to the Node build only.
 */
export interface SseOptions extends ConnectionOptions {
  /** HTTP method. @defaultValue `'GET'` */
  method?: string;
  /**
   * Request body, sent on every attempt until one is accepted (for example the prompt of an LLM
   * stream); see `resendAccepted` for what happens after.
   */
  body?: SseBody;
  /**
   * Whether a non-GET request (a `POST` with a prompt, say) whose response the server accepted is
   * sent again when its stream drops, times out or ends. By default it is not, unless a
   * `Last-Event-ID` lets the server resume: sending it again would repeat it (regenerate, and bill,
   * an LLM answer). A drop then ends in `failed` with `NOT_RESUMABLE` (its `cause` is the drop), an
   * end in `closed`. Requests that were not accepted (refused, 503, a network error before the
   * response) are retried as always; GET requests are never affected.
   *
   * @defaultValue false
   *
   * @example
   * ```ts
   * // An idempotent POST (a search query): reconnect like a GET would.
   * createSseClient(url, { method: 'POST', body: query, resendAccepted: true });
   * ```
   */
  resendAccepted?: boolean;
  /** Extra request headers, or a function of the attempt number (may be async: token refresh). */
  headers?: SseHeadersOption;
  /** Seed for the cursor, sent as `Last-Event-ID` on the first request (resume after a restart). */
  lastEventId?: string;
  /** Aborting it closes the client for good. */
  signal?: AbortSignal;
  /** When and how often to reconnect after a failure; unset fields keep their defaults. */
  reconnect?: ReconnectOptions;
  /** Whether a stream the server ended cleanly is reconnected. @defaultValue `'always'` */
  reconnectOnEnd?: ReconnectOnEnd;
  /** No bytes (comments count) for this long (ms) drops and reconnects; 0 disables. @defaultValue 45000 */
  heartbeatTimeout?: number;
  /** No dispatched event for this long (ms) drops and reconnects; 0 disables. @defaultValue 0 */
  idleEventTimeout?: number;
  /** No response headers for this long (ms) fails the attempt; 0 disables. @defaultValue 30000 */
  connectTimeout?: number;
  /** Largest line or event in bytes. @defaultValue 16 MiB */
  maxEventSize?: number;
  /** Redirects followed per attempt (undici transport). @defaultValue 20 */
  maxRedirects?: number;
  /**
   * Consulted for every failure the stream reports, with `{ error, attempt, retries, waited }`:
   * `false` stops (state `failed`), `true` reconnects (even after an error the default policy treats
   * as final) with the policy's wait, a number reconnects after that many ms, `undefined` keeps the
   * default policy. Silence timeouts are the policy's alone.
   *
   * @example
   * ```ts
   * createSseClient(url, {
   *   shouldReconnect: ({ error, retries }) => (error.status === 401 ? false : retries < 5 ? undefined : false),
   * });
   * ```
   */
  shouldReconnect?: ShouldReconnect;
  /** undici `Dispatcher` (Node transport): a proxy agent, an HTTP/2 agent, a mock. */
  dispatcher?: unknown;
  /**
   * Use this `fetch` (and the fetch transport) instead of undici. Any function with the `FetchLike`
   * contract of the `eventsource` package fits: it returns `{ status, url, headers: { get }, body }`
   * with `body` a `ReadableStream` of bytes; a response without one fails once with `BAD_RESPONSE`.
   */
  fetch?: FetchLike | typeof globalThis.fetch;
  /**
   * The fetch transport's `credentials` (cookies and HTTP auth on cross-origin requests):
   * `'omit'`, `'same-origin'` or `'include'`. Unset, the field is not sent (the runtime's default,
   * `'same-origin'`). The Node build's undici transport has no cookie jar: it never sends ambient
   * credentials, so `'include'` there is a `TypeError` (send the cookie in `headers`, or pass a
   * `fetch` that keeps cookies).
   */
  credentials?: RequestCredentials;
  /**
   * Whether the undici transport asks for a compressed response: `true` sends
   * `Accept-Encoding: gzip, deflate, br` (plus `zstd` where `node:zlib` has it), as browsers and
   * `fetch` do; `false` sends `Accept-Encoding: identity`. Either way a compressed response is
   * decoded event by event (flushed streams), and an encoding that cannot be decoded fails with
   * `BAD_CONTENT_ENCODING`. An `accept-encoding` in `headers` wins over both. The fetch transport
   * leaves this to the runtime (browsers always ask).
   *
   * Turn it off for a server or proxy that buffers compressed output (an Express `compression()`
   * middleware without `res.flush()` holds events until its buffer fills).
   *
   * @defaultValue `true`
   *
   * @example
   * ```ts
   * createSseClient(url, { compression: false }); // Accept-Encoding: identity
   * ```
   */
  compression?: boolean;
}

const STRATEGIES: readonly ReconnectStrategy[] = ['exponential', 'linear', 'fixed', 'immediate', 'none'];
const ON_END: readonly ReconnectOnEnd[] = ['always', 'never', 'if-resumable'];
const CREDENTIALS: readonly RequestCredentials[] = ['omit', 'same-origin', 'include'];

/** Characters no event id can hold: the parser ends the line there (CR, LF) or ignores the id (NUL). */
const IMPOSSIBLE_IN_ID = /[\0\r\n]/;

function fail(message: string): never {
  throw new TypeError(`sse-machine: ${message}`);
}

function checkDuration(name: string, value: number | undefined, allowInfinity = false): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    fail(
      `${name} must be a non-negative ${allowInfinity ? 'number or Infinity' : 'finite number'} of milliseconds, got ${String(value)}`,
    );
  }
  // A budget (allowInfinity) is only compared against; a timer longer than this fires at once.
  if (!allowInfinity && value > MAX_DELAY) {
    fail(
      `${name} must be at most ${MAX_DELAY} ms (about 24.8 days, the longest timer JavaScript can set), got ${String(value)}`,
    );
  }
}

/**
 * Validate a URL and options; throws `TypeError` with an actionable message on the first mistake.
 * Relative URLs resolve against `base` (the page location in browsers).
 */
export function validateOptions(url: string | URL, options: SseOptions = {}, base?: string): URL {
  const parsed = parseHttpUrl(url, base);
  if (typeof parsed === 'string') fail(parsed);
  if (parsed.username !== '' || parsed.password !== '') {
    // undici would drop them silently, fetch refuses the request, and errors would echo the password.
    fail(
      "the URL carries credentials (user:password@): send them as a header instead, e.g. headers: { authorization: 'Basic ' + btoa('user:password') }",
    );
  }
  const reconnect = options.reconnect ?? {};
  if (reconnect.strategy !== undefined && !STRATEGIES.includes(reconnect.strategy)) {
    fail(
      `unknown reconnect strategy ${JSON.stringify(reconnect.strategy)}: use one of ${STRATEGIES.join(', ')}`,
    );
  }
  checkDuration('reconnect.initialDelay', reconnect.initialDelay);
  checkDuration('reconnect.maxDelay', reconnect.maxDelay);
  checkDuration('reconnect.maxElapsed', reconnect.maxElapsed, true);
  checkDuration('reconnect.resetAfter', reconnect.resetAfter);
  if (
    reconnect.maxAttempts !== undefined &&
    !(
      reconnect.maxAttempts >= 0 &&
      (Number.isInteger(reconnect.maxAttempts) || reconnect.maxAttempts === Number.POSITIVE_INFINITY)
    )
  ) {
    fail(
      `reconnect.maxAttempts must be a whole number ≥ 0 or Infinity, got ${String(reconnect.maxAttempts)}`,
    );
  }
  if (reconnect.jitter !== undefined && !(reconnect.jitter >= 0 && reconnect.jitter <= 1)) {
    fail(`reconnect.jitter must be between 0 and 1, got ${String(reconnect.jitter)}`);
  }
  if (options.reconnectOnEnd !== undefined && !ON_END.includes(options.reconnectOnEnd)) {
    fail(`reconnectOnEnd must be one of ${ON_END.join(', ')}, got ${JSON.stringify(options.reconnectOnEnd)}`);
  }
  checkDuration('heartbeatTimeout', options.heartbeatTimeout);
  checkDuration('idleEventTimeout', options.idleEventTimeout);
  checkDuration('connectTimeout', options.connectTimeout);
  if (
    options.maxEventSize !== undefined &&
    !(Number.isInteger(options.maxEventSize) && options.maxEventSize > 0)
  ) {
    fail(`maxEventSize must be a positive whole number of bytes, got ${String(options.maxEventSize)}`);
  }
  if (
    options.maxRedirects !== undefined &&
    !(Number.isInteger(options.maxRedirects) && options.maxRedirects >= 0)
  ) {
    fail(`maxRedirects must be a whole number ≥ 0, got ${String(options.maxRedirects)}`);
  }
  if (
    options.method !== undefined &&
    (typeof options.method !== 'string' || !HTTP_TOKEN.test(options.method))
  ) {
    fail(
      `method ${JSON.stringify(String(options.method))} is not a valid HTTP method token: write e.g. 'POST'`,
    );
  }
  const method = (options.method ?? 'GET').toUpperCase();
  if (options.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    fail(`a ${method} request cannot carry a body: pass method: 'POST' (or another method that has one)`);
  }
  if (options.lastEventId !== undefined) {
    if (typeof options.lastEventId !== 'string') {
      fail(`lastEventId must be a string, got ${typeof options.lastEventId}: pass String(id)`);
    }
    if (IMPOSSIBLE_IN_ID.test(options.lastEventId)) {
      fail('lastEventId contains NUL, CR or LF, which no event id can hold: pass the id the server sent');
    }
    // Other control characters are valid in an id (HTML) but not in a header: such a cursor is
    // kept and sent as no Last-Event-ID at all (lastEventIdHeader), like one the server sent.
  }
  if (options.headers !== undefined && typeof options.headers !== 'function') {
    checkHeaders(options.headers);
  }
  if (options.resendAccepted !== undefined && typeof options.resendAccepted !== 'boolean') {
    fail(`resendAccepted must be true or false, got ${String(options.resendAccepted)}`);
  }
  if (options.compression !== undefined && typeof options.compression !== 'boolean') {
    fail(`compression must be true or false, got ${String(options.compression)}`);
  }
  if (options.credentials !== undefined && !CREDENTIALS.includes(options.credentials)) {
    fail(`credentials must be one of ${CREDENTIALS.join(', ')}, got ${JSON.stringify(options.credentials)}`);
  }
  for (const name of ['shouldReconnect', 'fetch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      fail(`${name} must be a function`);
  }
  return parsed;
}

/**
 * Throws the `TypeError` that {@link headerProblem} describes for the first header no transport
 * would send (control characters, a name that is not a token, `transfer-encoding`, `host`, ...).
 * The stream actor applies the same check to headers a function returns, per attempt.
 *
 * @example
 * ```ts
 * checkHeaders({ 'x-api-key': key }); // fine
 * checkHeaders({ 'transfer-encoding': 'chunked' }); // TypeError: ... the transport manages the connection; remove it
 * ```
 */
export function checkHeaders(headers: SseHeaders): void {
  if (typeof headers !== 'object' || headers === null) {
    fail('headers must be a record, [name, value] pairs, a Headers object or a function');
  }
  if (Array.isArray(headers)) {
    for (const pair of headers as readonly unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        fail('headers given as a list must hold [name, value] pairs, e.g. [["x-api-key", key]]');
      }
    }
  }
  for (const [name, value] of Object.entries(normalizeHeaders(headers))) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) fail(problem);
  }
}

function finite(value: number | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  return Number.isFinite(value) ? value : null;
}

/**
 * The plain-data part of the options: the machine's input. It holds no secret: the URL without its
 * query, no header and no body (the client binds the request itself to the stream actor), so
 * snapshots, traces and inspection events never carry them.
 */
export function toMachineInput(url: URL, options: SseOptions = {}): SseMachineInput {
  const reconnect = options.reconnect ?? {};
  return {
    url: redactUrl(url),
    method: options.method?.toUpperCase(),
    lastEventId: options.lastEventId,
    reconnect: {
      strategy: reconnect.strategy,
      initialDelay: reconnect.initialDelay,
      maxDelay: reconnect.maxDelay,
      maxAttempts: finite(reconnect.maxAttempts),
      maxElapsed: finite(reconnect.maxElapsed),
      jitter: reconnect.jitter,
      resetAfter: reconnect.resetAfter,
    } as SseMachineInput['reconnect'],
    reconnectOnEnd: options.reconnectOnEnd,
    resendAccepted: options.resendAccepted,
    heartbeatTimeout: options.heartbeatTimeout,
    idleEventTimeout: options.idleEventTimeout,
    connectTimeout: options.connectTimeout,
    maxEventSize: options.maxEventSize,
  };
}

/** Headers in any accepted form as a plain record (names as given; HTTP names are case-insensitive). */
export function normalizeHeaders(headers: SseHeaders): Record<string, string> {
  return headersToRecord(headers);
}
