/**
 * Options of the client, the `EventSource` facade and the stream actors, with validation that
 * throws at once (with actionable text) rather than failing later on a connection.
 *
 * @module
 */
import type { ReconnectOnEnd, SseMachineInput } from '../machines/connection.machine.js';
import { MAX_DELAY, type ReconnectStrategy } from './backoff.js';
import type { SseError } from './errors.js';
import type { ConnectionOptions } from './transport/connection-options.js';

/** Request headers: a record, a list of pairs, or a `Headers` object. */
export type SseHeaders =
  | Readonly<Record<string, string>>
  | ReadonlyArray<readonly [string, string]>
  | Headers;

/** A request body, re-sent on every attempt. A function is called once per attempt. */
export type SseBody = string | Uint8Array | (() => string | Uint8Array);

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
  /** Request body, re-sent on every attempt (for example the prompt of an LLM stream). */
  body?: SseBody;
  /** Extra request headers, or a function of the attempt number (may be async: token refresh). */
  headers?: SseHeaders | ((attempt: number) => SseHeaders | Promise<SseHeaders>);
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
   * Consulted for every failure the stream reports: `false` stops (state `failed`), `true`
   * reconnects (even after an error the default policy treats as final) with the policy's wait, a
   * number reconnects after that many ms, `undefined` keeps the default policy.
   */
  shouldReconnect?: (error: SseError) => boolean | number | undefined;
  /** undici `Dispatcher` (Node transport): a proxy agent, an HTTP/2 agent, a mock. */
  dispatcher?: unknown;
  /** Use this `fetch` (and the fetch transport) instead of undici. */
  fetch?: typeof globalThis.fetch;
}

const STRATEGIES: readonly ReconnectStrategy[] = ['exponential', 'linear', 'fixed', 'immediate', 'none'];
const ON_END: readonly ReconnectOnEnd[] = ['always', 'never', 'if-resumable'];

/** Characters no HTTP header value may hold (each transport would refuse the request, every attempt). */
const UNSENDABLE = /[\0\r\n]/;

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
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    fail(`invalid URL ${JSON.stringify(String(url))}: pass an absolute http(s) URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    fail(
      `unsupported URL scheme ${JSON.stringify(parsed.protocol)}: only http: and https: carry an event stream`,
    );
  }
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
  if (options.method !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(options.method)) {
    fail(`method ${JSON.stringify(options.method)} is not a valid HTTP method token`);
  }
  const method = (options.method ?? 'GET').toUpperCase();
  if (options.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    fail(`a ${method} request cannot carry a body: pass method: 'POST' (or another method that has one)`);
  }
  if (options.lastEventId !== undefined && UNSENDABLE.test(options.lastEventId)) {
    fail(
      `lastEventId ${JSON.stringify(options.lastEventId)} contains NUL, CR or LF: no server can send such an id, and it cannot go in a Last-Event-ID header`,
    );
  }
  if (options.headers !== undefined && typeof options.headers !== 'function') {
    for (const [name, value] of Object.entries(normalizeHeaders(options.headers))) {
      if (UNSENDABLE.test(value)) {
        fail(`header ${JSON.stringify(name)} has a value with NUL, CR or LF, which HTTP cannot carry`);
      }
    }
  }
  for (const name of ['shouldReconnect', 'fetch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      fail(`${name} must be a function`);
  }
  return parsed;
}

function finite(value: number | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  return Number.isFinite(value) ? value : null;
}

/** The plain-data part of the options: the machine's input. Functions stay with the transport. */
export function toMachineInput(url: URL, options: SseOptions = {}): SseMachineInput {
  const reconnect = options.reconnect ?? {};
  const headers =
    options.headers === undefined || typeof options.headers === 'function'
      ? undefined
      : normalizeHeaders(options.headers);
  return {
    url: url.href,
    method: options.method?.toUpperCase(),
    headers,
    body: typeof options.body === 'string' ? options.body : undefined,
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
    heartbeatTimeout: options.heartbeatTimeout,
    idleEventTimeout: options.idleEventTimeout,
    connectTimeout: options.connectTimeout,
    maxEventSize: options.maxEventSize,
  };
}

/** Headers in any accepted form as a plain record (names as given; HTTP names are case-insensitive). */
export function normalizeHeaders(headers: SseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs: Iterable<readonly [string, string]> =
    typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)
      ? (headers as Headers).entries()
      : Array.isArray(headers)
        ? (headers as ReadonlyArray<readonly [string, string]>)
        : Object.entries(headers as Record<string, string>);
  for (const [name, value] of pairs) out[name] = value;
  return out;
}
