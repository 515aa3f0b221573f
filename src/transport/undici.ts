/**
 * The Node transport: one {@link HttpTransport} over undici. This is the only module that imports
 * undici, so the browser and machine builds stay free of it.
 *
 * Redirects are followed here, by hand, rather than by an undici interceptor: the rules an SSE
 * client needs (drop credentials on a cross-origin hop, detect loops, report the final URL, never
 * leak a redirect body) are short, and owning them keeps the behaviour identical across undici
 * versions.
 *
 * @module
 */
import { Agent, type Dispatcher, request } from 'undici';
import { SseError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { ACCEPT_ENCODING, contentEncodingProblem, decodeBody } from './content-encoding.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http.js';
import { mimeEssence } from './response-policy.js';
import { tlsFailureReason } from './tls-failure.js';

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /**
   * An undici `Dispatcher` (an `Agent`, `ProxyAgent`, `MockAgent`, ...). Typed `unknown` so that
   * callers need not share this package's copy of undici's types.
   *
   * @defaultValue a lazily created `Agent` shared by every transport without one, with
   * {@link DEFAULT_AGENT_OPTIONS}
   */
  dispatcher?: unknown;
  /**
   * Redirects followed per request before it fails with `REDIRECT`; `0` makes any redirect fail.
   *
   * @defaultValue {@link DEFAULT_MAX_REDIRECTS}
   */
  maxRedirects?: number;
  /**
   * Ask for a compressed response: `true` sends `Accept-Encoding: zstd?, br, gzip, deflate` (what
   * this Node can decode), `false` sends `Accept-Encoding: identity`. A request that carries its own
   * `accept-encoding` keeps it. Compressed responses are decoded either way.
   *
   * @defaultValue `true`
   */
  compression?: boolean;
}

/**
 * Redirect hops followed per request unless `maxRedirects` says otherwise (the fetch standard's limit).
 *
 * @example
 * ```ts
 * // An API that must never redirect: fail with REDIRECT instead of following.
 * createSseClient(url, { maxRedirects: 0 }); // DEFAULT_MAX_REDIRECTS (20) otherwise
 * ```
 */
export const DEFAULT_MAX_REDIRECTS = 20;

/**
 * Options of the shared `Agent`. Both timeouts are off: an event stream may be quiet for longer
 * than undici's 300 s defaults (a known source of "Body Timeout Error" in SSE clients), the
 * machine's `heartbeatTimeout` owns body silence and its `connectTimeout` owns the wait for headers.
 *
 * @example
 * ```ts
 * import { Agent } from 'undici';
 * // Your own agent (more connections, TLS options) keeps the timeouts off like the shared one.
 * const dispatcher = new Agent({ ...DEFAULT_AGENT_OPTIONS, connections: 8 });
 * createSseClient(url, { dispatcher });
 * ```
 */
export const DEFAULT_AGENT_OPTIONS: Readonly<{
  /** Off: `heartbeatTimeout` watches a silent body instead. */
  bodyTimeout: 0;
  /** Off: `connectTimeout` bounds the wait for response headers instead. */
  headersTimeout: 0;
}> = Object.freeze({
  bodyTimeout: 0,
  headersTimeout: 0,
});

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

// Credentials for one origin must not travel to another (fetch standard, "HTTP-redirect fetch" step 13).
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'proxy-authorization']);

// When a redirect turns the request into a body-less GET, the headers describing the body go too
// (fetch standard, request-body-header names).
const BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
]);

let sharedAgent: Agent | undefined;

// Created on first use, not at import: importing the library must not allocate a connection pool.
function getSharedAgent(): Agent {
  sharedAgent ??= new Agent(DEFAULT_AGENT_OPTIONS);
  return sharedAgent;
}

/**
 * Create the undici-based {@link HttpTransport}: sends the request, follows redirects, and resolves
 * with the final response whatever its status (the status policy lives in the stream core).
 *
 * Rejects with `SseError('REDIRECT')` for a redirect without a usable `Location`, a loop or too many
 * hops, and `SseError('NETWORK')` when the request fails; an aborted request rejects with undici's
 * own abort error, which the caller expects and ignores.
 *
 * @example
 * ```ts
 * import { ProxyAgent } from 'undici';
 * const transport = createUndiciTransport({ dispatcher: new ProxyAgent('http://proxy:3128') });
 * ```
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): HttpTransport {
  const { dispatcher, maxRedirects = DEFAULT_MAX_REDIRECTS, compression = true } = options;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
    throw new TypeError(`maxRedirects must be a non-negative integer, got ${String(maxRedirects)}`);
  }
  if (dispatcher !== undefined && !isDispatcher(dispatcher)) {
    throw new TypeError('dispatcher must be an undici Dispatcher (an object with a dispatch() method)');
  }
  if (typeof compression !== 'boolean') {
    throw new TypeError(`compression must be true or false, got ${String(compression)}`);
  }
  const acceptEncoding = compression ? ACCEPT_ENCODING : 'identity';
  return (httpRequest) => send(httpRequest, dispatcher ?? getSharedAgent(), maxRedirects, acceptEncoding);
}

function isDispatcher(value: unknown): value is Dispatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { dispatch?: unknown }).dispatch === 'function'
  );
}

async function send(
  initial: HttpRequest,
  dispatcher: Dispatcher,
  maxRedirects: number,
  acceptEncoding: string,
): Promise<HttpResponse> {
  const { signal } = initial;
  let url = initial.url;
  let method = initial.method;
  let headers: Record<string, string> = { ...initial.headers };
  // Like fetch, the transport says what it can decode, unless the request already says.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'accept-encoding')) {
    headers['accept-encoding'] = acceptEncoding;
  }
  let body = initial.body;
  // Keyed by method too: POST /form → 303 → GET /form (post/redirect/get) is not a loop.
  const seen = new Set<string>([`${method} ${url}`]);

  for (let hops = 0; ; hops++) {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        dispatcher,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body ?? null,
        signal,
        // One connection per attempt, closed with it: an event stream gains nothing from a pooled
        // socket, and a closed client must leave no idle keep-alive socket (or its timer) behind.
        reset: true,
        bodyTimeout: DEFAULT_AGENT_OPTIONS.bodyTimeout,
        headersTimeout: DEFAULT_AGENT_OPTIONS.headersTimeout,
      });
    } catch (error) {
      throw toTransportError(error, url, signal);
    }

    const status = response.statusCode;
    if (!REDIRECT_STATUSES.has(status)) {
      const responseHeaders = normalizeHeaders(response.headers);
      const encoding = responseHeaders['content-encoding'];
      if (encoding !== undefined) {
        const problem = contentEncodingProblem(encoding);
        // Only a response the stream core would read: for a 503 or a wrong content type, the body
        // is discarded anyway and the status (or type) is the error to report.
        if (
          problem !== undefined &&
          status === 200 &&
          mimeEssence(responseHeaders['content-type']) === 'text/event-stream'
        ) {
          response.body.destroy();
          throw new SseError(
            'BAD_CONTENT_ENCODING',
            `the response from ${redactUrl(url)} is compressed: ${problem}`,
            {
              url,
              status,
              headers: responseHeaders,
            },
          );
        }
      }
      return {
        status,
        url,
        headers: responseHeaders,
        body: readBody(
          encoding === undefined || contentEncodingProblem(encoding) !== undefined
            ? response.body
            : decodeBody(response.body, encoding),
          url,
          signal,
        ),
      };
    }

    // Read and discard the redirect's own body so the connection goes back to the pool.
    try {
      await response.body.dump();
    } catch (error) {
      throw toTransportError(error, url, signal);
    }

    const redirectHeaders = normalizeHeaders(response.headers);
    const location = redirectHeaders.location;
    if (location === undefined || location.trim() === '') {
      throw new SseError('REDIRECT', `redirect ${status} from ${redactUrl(url)} has no Location header`, {
        url,
        status,
        headers: redirectHeaders,
      });
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch (cause) {
      throw new SseError(
        'REDIRECT',
        `redirect ${status} from ${redactUrl(url)} has an invalid Location: ${redactUrl(location)}`,
        { url, status, cause, headers: redirectHeaders },
      );
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new SseError(
        'REDIRECT',
        `redirect ${status} from ${redactUrl(url)} to a non-HTTP URL: ${redactUrl(next.href)}`,
        { url, status, headers: redirectHeaders },
      );
    }
    if (hops >= maxRedirects) {
      throw new SseError(
        'REDIRECT',
        `too many redirects from ${redactUrl(initial.url)} (limit ${maxRedirects})`,
        { url, status, headers: redirectHeaders },
      );
    }

    // fetch standard, "HTTP-redirect fetch" step 12: 303 (except HEAD), and 301/302 after POST,
    // become a GET without a body.
    if (
      (status === 303 && method !== 'GET' && method !== 'HEAD') ||
      ((status === 301 || status === 302) && method === 'POST')
    ) {
      method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, BODY_HEADERS);
    }
    if (next.origin !== new URL(url).origin) {
      headers = withoutHeaders(headers, CREDENTIAL_HEADERS);
    }

    const key = `${method} ${next.href}`;
    if (seen.has(key)) {
      throw new SseError(
        'REDIRECT',
        `redirect loop: ${redactUrl(url)} redirects back to ${redactUrl(next.href)}`,
        { url, status, headers: redirectHeaders },
      );
    }
    seen.add(key);
    url = next.href;
  }
}

// Abort errors pass through untouched: the caller aborted and will ignore them. A certificate the
// client refuses is `TLS` (final unless `shouldReconnect` says otherwise: the stream core retries
// only NETWORK by default). Anything else is a network failure, named so that the user can tell
// which hop failed. URLs in messages never show their query (it may hold a token).
function toTransportError(error: unknown, url: string, signal: AbortSignal): unknown {
  if (signal.aborted) return error;
  const tls = tlsFailureReason(error);
  if (tls !== undefined) {
    return new SseError('TLS', `TLS certificate of ${redactUrl(url)} refused: ${tls}`, { url, cause: error });
  }
  return new SseError('NETWORK', `request to ${redactUrl(url)} failed: ${describe(error)}`, {
    url,
    cause: error,
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Happy-eyeballs connection failures are AggregateErrors with an empty message; the code says more.
  const code = (error as { code?: unknown }).code;
  if (error.message !== '') return error.message;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  return error.name;
}

/**
 * The body as the stream core reads it: undici's own async iterator, with its errors told in our words
 * and the socket released when reading ends early (break, return). A plain iterator object rather than
 * an async generator: a generator wrapped around `for await` costs two more promise hops per chunk,
 * which a stream of one small event per TCP segment pays per event.
 */
function readBody(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  url: string,
  signal: AbortSignal,
): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array, void, undefined> {
      const inner = body[Symbol.asyncIterator]();
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        body.destroy();
      };
      const step = (result: IteratorResult<Buffer>): IteratorResult<Uint8Array, void> => {
        if (result.done === true) finish();
        return result as IteratorResult<Uint8Array, void>;
      };
      const broke = (error: unknown): never => {
        finish();
        throw toTransportError(error, url, signal);
      };
      return {
        next: () =>
          finished ? Promise.resolve({ done: true, value: undefined }) : inner.next().then(step, broke),
        return: () => {
          // A consumer that stops early (break, return()) must not leave the socket open.
          finish();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const joined = headerValue(value);
    if (joined === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${joined}` : joined;
  }
  return headers;
}

function withoutHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}
