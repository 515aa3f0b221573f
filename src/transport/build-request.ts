/**
 * The request of one attempt: the fixed headers, the app's header function (token refresh), the
 * body, and `Last-Event-ID` from the cursor.
 *
 * @module
 */
import { headersToRecord, type SseBody, type SseHeaders, type SseHeadersOption } from '../request.js';
import type { StreamInput } from './stream-protocol.js';

const utf8 = new TextEncoder();
/** Bytes per `String.fromCharCode` call: far below any engine's argument limit. */
const BYTES_PER_CALL = 8192;

/**
 * A header value carrying UTF-8: each byte becomes one char ≤ U+00FF, which both undici and fetch
 * write out as that byte. `Last-Event-ID` is UTF-8 on the wire (HTML spec). Linear in the length:
 * the bytes are turned into text in blocks, never one char at a time (a 16 MiB id of any script
 * took seconds and hundreds of MiB that way).
 */
export function toByteString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII fast path
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  const bytes = utf8.encode(value);
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += BYTES_PER_CALL) {
    parts.push(
      String.fromCharCode.apply(null, bytes.subarray(at, at + BYTES_PER_CALL) as unknown as number[]),
    );
  }
  return parts.join('');
}

/** Characters no header value may hold: every control but HTAB, and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const UNSENDABLE_IN_HEADER = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * The `Last-Event-ID` value for a cursor, or `undefined` when the header is left out. HTML allows
 * ids that no header can carry (any control but CR, LF and NUL); such an id is not sent, so the
 * server resumes from its own idea of the stream instead of every attempt failing before it is
 * sent (what undici and fetch do with such a header value).
 */
export function lastEventIdHeader(cursor: string): string | undefined {
  if (cursor === '' || UNSENDABLE_IN_HEADER.test(cursor)) return undefined;
  return toByteString(cursor);
}

/** What the request of an attempt is built from besides the chart's plain data. */
export interface RequestParts {
  /** The URL to request, when the chart holds a redacted one. */
  readonly url?: string | undefined;
  /** Headers, fixed or per attempt; merged over the input's. */
  readonly headers?: SseHeadersOption | undefined;
  /** A body that is not a plain string, or any body the chart must not hold. */
  readonly body?: SseBody | undefined;
}

/** The headers of one attempt, lower-case names, `Accept` and `Last-Event-ID` included. */
export async function buildHeaders(input: StreamInput, parts: RequestParts): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'cache-control': 'no-cache',
  };
  const add = (extra: SseHeaders): void => {
    for (const [name, value] of Object.entries(headersToRecord(extra))) headers[name.toLowerCase()] = value;
  };
  add(input.headers);
  if (parts.headers !== undefined) {
    add(typeof parts.headers === 'function' ? await parts.headers(input.attempt) : parts.headers);
  }
  const lastEventId = lastEventIdHeader(input.lastEventId);
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return headers;
}

/** The body of one attempt: a factory is called once per attempt. */
export function buildBody(input: StreamInput, parts: RequestParts): string | Uint8Array | undefined {
  const body = parts.body ?? input.body;
  return typeof body === 'function' ? body() : body;
}
