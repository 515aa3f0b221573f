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

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /** The `fetch` to call. @defaultValue `globalThis.fetch` */
  fetch?: typeof globalThis.fetch | undefined;
  /** Cookies and HTTP auth for cross-origin requests (`EventSource`'s `withCredentials`). @defaultValue `'same-origin'` */
  credentials?: RequestCredentials | undefined;
}

/** A `ReadableStream` read with a reader: async iteration of streams is missing in some browsers. */
async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value !== undefined && value.byteLength > 0) yield value;
    }
  } finally {
    // Reached on `return()` (the consumer stopped) as well as on the end: release the connection.
    reader.cancel().catch(() => undefined);
  }
}

async function* noChunks(): AsyncGenerator<Uint8Array> {}

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
    let response: Response;
    try {
      response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: (request.body ?? null) as BodyInit | null,
        signal: request.signal,
        cache: 'no-store',
        credentials: options.credentials ?? 'same-origin',
        redirect: 'follow',
      });
    } catch (error) {
      throw toFetchError(error, request);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return {
      status: response.status,
      url: response.url === '' ? request.url : response.url,
      headers,
      body: response.body === null ? noChunks() : readChunks(response.body),
    };
  };
}
