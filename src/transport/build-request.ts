/**
 * The request of one attempt: the fixed headers, the app's header function (token refresh), the
 * body, and `Last-Event-ID` from the cursor.
 *
 * @module
 */
import { headerProblem } from '../header-syntax.js';
import { headersToRecord, type SseBody, type SseHeaders, type SseHeadersOption } from '../request.js';
import { lastEventIdHeader } from './last-event-id-header.js';
import type { StreamInput } from './stream-protocol.js';

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
  if (typeof parts.headers === 'function') {
    // Fixed headers were checked at creation; a function's are checked per attempt, and a bad one
    // fails the attempt as REQUEST (the message never quotes the value).
    const extra = headersToRecord(await parts.headers(input.attempt));
    for (const [name, value] of Object.entries(extra)) {
      const problem = headerProblem(name, value);
      if (problem !== undefined) throw new TypeError(problem);
    }
    add(extra);
  } else if (parts.headers !== undefined) {
    add(parts.headers);
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
