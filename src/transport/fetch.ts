/**
 * The portable transport: one {@link HttpTransport} over WHATWG `fetch` and `ReadableStream`, for
 * browsers, Deno, Bun and workers (and Node when a `fetch` is passed explicitly). Redirects are the
 * fetch implementation's business (it follows up to 20 and drops credentials across origins).
 *
 * @module
 */
import { SseError } from '../errors.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http.js';
import { tlsFailureReason } from './tls-failure.js';

/**
 * What the fetch transport passes its `fetch`: a subset of `RequestInit`, so the platform's `fetch`
 * fits, and so does a function that only reads these fields.
 */
export interface SseFetchInit {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Every request header (`accept`, `last-event-id`, yours). */
  readonly headers: Record<string, string>;
  /** The request body, if any. */
  readonly body: string | Uint8Array<ArrayBuffer> | null;
  /** Aborted when the attempt ends: release the connection then. */
  readonly signal: AbortSignal;
  /** Always `'no-store'`: an event stream is never cached. */
  readonly cache: 'no-store';
  /** Always `'follow'`. */
  readonly redirect: 'follow';
  /** Present only when the `credentials` option was given (workerd refuses the field). */
  readonly credentials?: RequestCredentials;
}

/**
 * The response the fetch transport needs, and all it reads: the `FetchLike` contract of the
 * `eventsource` package. A WHATWG `Response` is one. `headers.forEach` is used when present (every
 * header reaches `open` and errors); with `get` alone, the headers in {@link FETCH_LIKE_HEADERS}.
 */
export interface FetchLikeResponse {
  /** HTTP status. */
  readonly status: number;
  /** The final URL; `''` or absent means the request's. */
  readonly url?: string;
  /** Response headers: `get` at least; `forEach` when there is one. */
  readonly headers: {
    /** One header's value, or `null`. */
    get(name: string): string | null;
    /** Every header (a WHATWG `Headers` has it). */
    forEach?(callback: (value: string, name: string) => void): void;
  };
  /**
   * A `ReadableStream` of bytes, or `null`. Anything else (a string, a Node stream) fails the attempt
   * with `BAD_RESPONSE`, once: no reconnect.
   */
  readonly body: ReadableStream<Uint8Array> | null | unknown;
}

/** A `fetch`, or anything that takes a URL and an {@link SseFetchInit} and gives a {@link FetchLikeResponse}. */
export type FetchLike = (url: string, init: SseFetchInit) => Promise<FetchLikeResponse>;

/** The headers read from a response whose `headers` has `get` but no `forEach`. */
export const FETCH_LIKE_HEADERS: readonly string[] = [
  'content-type',
  'content-encoding',
  'retry-after',
  'www-authenticate',
  'proxy-authenticate',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-request-id',
];

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /** The `fetch` to call (a WHATWG `fetch`, or any {@link FetchLike}). @defaultValue `globalThis.fetch` */
  fetch?: FetchLike | typeof globalThis.fetch | undefined;
  /**
   * Cookies and HTTP auth for cross-origin requests (`EventSource`'s `withCredentials` is
   * `'include'`). Unset, the field is not sent: the runtime's default (`'same-origin'`) applies.
   */
  credentials?: RequestCredentials | undefined;
}

/**
 * A `ReadableStream` read with a reader: async iteration of streams is missing in some browsers. A
 * chunk that is not bytes (a stream of strings) is `BAD_RESPONSE`: decoding is the parser's.
 */
async function* readChunks(stream: ReadableStream<Uint8Array>, url: string): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (!(value instanceof Uint8Array)) {
        throw new SseError(
          'BAD_RESPONSE',
          `the response body of ${url} yielded ${typeof value}, not bytes (Uint8Array)`,
          { url },
        );
      }
      if (value.byteLength > 0) yield value;
    }
  } finally {
    // Reached on `return()` (the consumer stopped) as well as on the end: release the connection.
    reader.cancel().catch(() => undefined);
  }
}

function readHeaders(headers: FetchLikeResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers.forEach === 'function') {
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const name of FETCH_LIKE_HEADERS) {
    const value = headers.get(name);
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The body as the stream core reads it: a `ReadableStream` through a reader, `null` as `null` (the
 * core fails an accepted response without a body), anything else as is (the core names it).
 */
function adaptBody(body: unknown, url: string): unknown {
  if (body === null || body === undefined) return null;
  if (typeof (body as ReadableStream).getReader === 'function') {
    return readChunks(body as ReadableStream<Uint8Array>, url);
  }
  return body;
}

/**
 * A failed `fetch` as an `SseError`: `TLS` for a certificate Node's fetch refused (its cause says
 * so; browsers do not tell), `NETWORK` otherwise. The message names the URL without its query, and
 * drops the query from whatever the `fetch` implementation wrote (some echo the URL). An abort
 * passes through: the caller ignores it.
 */
function toFetchError(error: unknown, request: HttpRequest): unknown {
  if (request.signal.aborted) return error;
  const tls = tlsFailureReason(error);
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  // The SseError constructor redacts every URL in the message, the one `fetch` wrote included.
  return new SseError(
    tls === undefined ? 'NETWORK' : 'TLS',
    tls === undefined
      ? `request to ${request.url} failed: ${String((error as Error)?.message ?? error)}${typeof code === 'string' ? ` (${code})` : ''}`
      : `TLS certificate of ${request.url} refused: ${tls}`,
    { url: request.url, cause: error },
  );
}

/**
 * Create a transport over `fetch`.
 *
 * @example
 * ```ts
 * const client = createSseClient('/events', { fetch: globalThis.fetch }); // what the browser build does
 * ```
 */
export function createFetchTransport(options: FetchTransportOptions = {}): HttpTransport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let response: FetchLikeResponse;
    try {
      response = await (fetchImpl as FetchLike)(request.url, {
        method: request.method,
        headers: { ...request.headers },
        body: (request.body ?? null) as SseFetchInit['body'],
        signal: request.signal,
        cache: 'no-store',
        redirect: 'follow',
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      });
    } catch (error) {
      throw toFetchError(error, request);
    }
    const url = typeof response.url === 'string' && response.url !== '' ? response.url : request.url;
    return {
      status: response.status,
      url,
      headers: readHeaders(response.headers),
      body: adaptBody(response.body, request.url) as HttpResponse['body'],
    };
  };
}
