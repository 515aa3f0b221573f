/**
 * Whether an accepted response has a body the stream core can read. A `fetch` option may return
 * any `FetchLike` response (the `eventsource` package's contract), and a custom transport any
 * object: one without a body, or with one that is no async iterable of bytes, is a broken
 * implementation, not a network failure, so it fails the attempt once (`BAD_RESPONSE`, final)
 * instead of reconnecting forever on `stream.getReader is not a function`.
 *
 * @module
 */
import { SseError } from '../errors.js';

/**
 * `undefined` for a readable body; otherwise the final `BAD_RESPONSE` error that says what came.
 *
 * @example
 * ```ts
 * unusableBody('data: x\n\n', url, 1)?.message; // "... a string, not a ReadableStream of bytes"
 * ```
 */
export function unusableBody(
  body: unknown,
  url: string,
  attempt: number,
  status: number,
  headers: Readonly<Record<string, string>>,
): SseError | undefined {
  if (body !== null && typeof body === 'object' && Symbol.asyncIterator in body) return undefined;
  const got = body === null || body === undefined ? 'no body' : `a body that is ${describe(body)}`;
  return new SseError(
    'BAD_RESPONSE',
    `the response from ${url} has ${got}, not a ReadableStream of bytes: the fetch implementation does not stream`,
    { url, attempt, status, headers },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}
