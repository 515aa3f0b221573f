/**
 * What a response means for the connection (ARCHITECTURE §5): accept it, reconnect later, or stop.
 * Pure functions of the status line and headers, shared by every transport.
 *
 * @module
 */
import { clampDelay } from '../backoff.js';
import { SseError } from '../errors.js';

/** The verdict on a response head. */
export type ResponseVerdict =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly error: SseError; readonly retryable: boolean };

const MIME_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The MIME type essence of a `Content-Type` value: lower-cased, parameters dropped
 * (`Text/Event-Stream; charset=utf-8` → `text/event-stream`). The body is UTF-8 whatever the charset
 * says. A header sent more than once arrives joined by commas; as in Fetch's "extract a MIME type",
 * the last value that parses as a MIME type wins.
 */
export function mimeEssence(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  let essence = '';
  for (const value of contentType.split(',')) {
    const semicolon = value.indexOf(';');
    const candidate = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
    if (MIME_TYPE.test(candidate)) essence = candidate;
  }
  return essence;
}

// Every HTTP-date form of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime) starts with a day name and
// holds an hh:mm:ss time. `Date.parse` alone would read almost any text with a number in it as a
// date ("soon 2099" is the year 2099).
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? .* \d\d:\d\d:\d\d\b/;

/**
 * `Retry-After` in milliseconds from now: delay-seconds or an HTTP date; `undefined` when absent or
 * unreadable (a malformed header must not stall reconnection). A wait longer than a timer can hold
 * (`Retry-After` of 400 digits is `Infinity` seconds) is {@link MAX_DELAY}, never `Infinity` or `NaN`.
 *
 * @example
 * ```ts
 * parseRetryAfter('120'); // 120000
 * parseRetryAfter('9'.repeat(400)); // MAX_DELAY
 * parseRetryAfter('Mon, 99 Foo 2026 99:99:99 GMT'); // undefined: not a date, the policy decides
 * ```
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return clampDelay(Number(trimmed) * 1000);
  if (!HTTP_DATE.test(trimmed)) return undefined;
  // asctime carries no zone; HTTP dates are always GMT, while `Date.parse` would assume local time.
  const date = Date.parse(trimmed.endsWith('GMT') ? trimmed : `${trimmed} GMT`);
  if (Number.isNaN(date)) return undefined;
  return clampDelay(Math.max(0, date - now));
}

/**
 * Judge a response: 200 with `text/event-stream` is accepted; 204 stops (`NO_CONTENT`); 408, 429 and
 * 5xx reconnect (`HTTP_STATUS`, honouring `Retry-After`); a wrong content type stops
 * (`BAD_CONTENT_TYPE`); every other status stops (`HTTP_STATUS`). Every error carries the
 * response's `headers` (lower-case names) and a redacted `url`.
 *
 * @example
 * ```ts
 * const verdict = judgeResponse(401, { 'www-authenticate': 'Bearer' }, url, 1);
 * if (!verdict.accepted) verdict.error.headers?.['www-authenticate']; // 'Bearer'
 * ```
 */
export function judgeResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  url: string,
  attempt: number,
): ResponseVerdict {
  if (status === 200) {
    const contentType = headers['content-type'];
    const essence = mimeEssence(contentType);
    if (essence === 'text/event-stream') return { accepted: true };
    return {
      accepted: false,
      retryable: false,
      error: new SseError(
        'BAD_CONTENT_TYPE',
        `expected content-type text/event-stream, got ${contentType === undefined ? 'none' : JSON.stringify(essence === '' ? contentType : essence)}`,
        { status, url, attempt, headers },
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
        headers,
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
      { status, url, attempt, headers, ...(retryAfter === undefined ? {} : { retryAfter }) },
    ),
  };
}
