/**
 * The portable transport: one {@link HttpTransport} over WHATWG `fetch` and `ReadableStream`, for
 * browsers, Deno, Bun and workers (and Node when a `fetch` is passed explicitly). Redirects are the
 * fetch implementation's business (it follows up to 20 and drops credentials across origins).
 *
 * @module
 */
import type { HttpRequest, HttpResponse, HttpTransport } from './http.js';

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
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: (request.body ?? null) as BodyInit | null,
      signal: request.signal,
      cache: 'no-store',
      credentials: options.credentials ?? 'same-origin',
      redirect: 'follow',
    });
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
