/**
 * What a response means for the connection (ARCHITECTURE §5): accept it, reconnect later, or stop.
 * Pure functions of the status line and headers, shared by every transport.
 *
 * @module
 */
import { SseError } from '../errors.js';

/** The verdict on a response head. */
export type ResponseVerdict =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly error: SseError; readonly retryable: boolean };

/**
 * The MIME type essence of a `Content-Type` value: lower-cased, parameters dropped
 * (`Text/Event-Stream; charset=utf-8` → `text/event-stream`). The body is UTF-8 whatever the charset says.
 */
export function mimeEssence(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * `Retry-After` in milliseconds from now: delay-seconds or an HTTP date; `undefined` when absent or
 * unreadable (a malformed header must not stall reconnection).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Judge a response: 200 with `text/event-stream` is accepted; 204 stops (`NO_CONTENT`); 408, 429 and
 * 5xx reconnect (`HTTP_STATUS`, honouring `Retry-After`); a wrong content type stops
 * (`BAD_CONTENT_TYPE`); every other status stops (`HTTP_STATUS`).
 */
export function judgeResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  url: string,
  attempt: number,
): ResponseVerdict {
  if (status === 200) {
    const essence = mimeEssence(headers['content-type']);
    if (essence === 'text/event-stream') return { accepted: true };
    return {
      accepted: false,
      retryable: false,
      error: new SseError(
        'BAD_CONTENT_TYPE',
        `expected content-type text/event-stream, got ${essence === '' ? 'none' : JSON.stringify(essence)}`,
        { status, url, attempt },
      ),
    };
  }
  if (status === 204) {
    return {
      accepted: false,
      retryable: false,
      error: new SseError('NO_CONTENT', 'the server answered 204 No Content: it asks the client to stop', {
        status,
        url,
        attempt,
      }),
    };
  }
  const retryable = status === 408 || status === 429 || (status >= 500 && status <= 599);
  const retryAfter = retryable ? parseRetryAfter(headers['retry-after']) : undefined;
  return {
    accepted: false,
    retryable,
    error: new SseError(
      'HTTP_STATUS',
      `the server answered ${status}${retryable ? '; will reconnect' : ': not an event stream'}`,
      { status, url, attempt, ...(retryAfter === undefined ? {} : { retryAfter }) },
    ),
  };
}
