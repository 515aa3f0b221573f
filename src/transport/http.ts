/**
 * The HTTP port: what a transport (undici, fetch, a test double) does for one attempt. The stream
 * actor builds the request and reads the response through it; nothing here knows about the chart.
 *
 * @module
 */

/** One HTTP request of one attempt, already built (headers final, redirects not yet followed). */
export interface HttpRequest {
  /** Absolute URL to request. */
  readonly url: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Every request header, `Accept` and `Last-Event-ID` included. */
  readonly headers: Readonly<Record<string, string>>;
  /** Request body, if any. */
  readonly body: string | Uint8Array | undefined;
  /** Aborted when the attempt ends for any reason: the transport must then release the connection. */
  readonly signal: AbortSignal;
}

/** The response head and a body the stream core reads chunk by chunk. */
export interface HttpResponse {
  /** HTTP status of the final response (after redirects). */
  readonly status: number;
  /** The final URL, after redirects. */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body; abort the request's signal to stop it. An accepted response whose body is missing or
   * no async iterable fails the attempt once with `BAD_RESPONSE`.
   */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * What a transport (undici, fetch) does: send one request and return the response head with its body.
 * Rejects with an `SseError` (`NETWORK`, `REDIRECT`, ...) or any error, which the core maps to `NETWORK`.
 *
 * @example
 * ```ts
 * const transport: HttpTransport = async (request) => {
 *   const response = await fetch(request.url, { headers: request.headers, signal: request.signal });
 *   return { status: response.status, url: response.url, headers: {}, body: response.body! };
 * };
 * ```
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;
