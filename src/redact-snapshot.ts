/**
 * Secrets out of what is kept or shown: a persisted snapshot, a trace line, an inspection event.
 * The machine's context and its events hold the request's headers and body, its URL (with the
 * query), and the response headers (`Set-Cookie`); this returns a copy without them.
 *
 * @module
 */
import { redactSerializedError, type SerializedSseError } from './errors.js';
import { redactUrl } from './redact.js';

/**
 * What a redacted header value or body becomes: a marker, not a deletion, so a reader of a
 * snapshot or trace can tell that a value was there.
 *
 * @example
 * ```ts
 * redactForSnapshot({ headers: { authorization: 'Bearer t' } }).headers.authorization; // '[redacted]'
 * ```
 */
export const REDACTED_VALUE = '[redacted]';

/**
 * Header values that are kept: protocol facts, never credentials. Every other value (authorization,
 * API keys, cookies, `set-cookie`, custom `x-*` headers) becomes {@link REDACTED_VALUE}.
 */
const SAFE_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'cache-control',
  'content-encoding',
  'content-length',
  'content-type',
  'last-event-id',
  'retry-after',
]);

// Payloads the chart may carry (`STREAM.PROGRESS.events`): event data is not a request secret, and
// copying it would make redaction cost as much as the stream.
const UNTOUCHED: ReadonlySet<string> = new Set(['events', 'data']);

/**
 * A deep copy of `value` (a machine context, a persisted snapshot, an inspection or trace event)
 * with every `url` redacted ({@link redactUrl}), every `headers` record's values replaced by
 * {@link REDACTED_VALUE} except protocol headers (`content-type`, `accept`, `last-event-id`, ...),
 * every `body` replaced by the marker, and serialized `SseError`s redacted. Other values are
 * copied as they are; `events` and `data` (payloads) are shared, not walked.
 *
 * @example
 * ```ts
 * const snapshot = redactForSnapshot(actor.getPersistedSnapshot());
 * localStorage.setItem('sse', JSON.stringify(snapshot)); // no token, no Authorization, no body
 * ```
 */
export function redactForSnapshot<T>(value: T): T {
  return walk(value, undefined, 0) as T;
}

function walk(value: unknown, key: string | undefined, depth: number): unknown {
  if (key === 'url' && typeof value === 'string') return redactUrl(value);
  if (key === 'body' && value !== undefined && value !== null) return REDACTED_VALUE;
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (key === 'headers' && !Array.isArray(value)) return redactHeaders(value as Record<string, unknown>);
  if (Array.isArray(value)) return value.map((item) => walk(item, undefined, depth + 1));
  if (
    (value as { name?: unknown }).name === 'SseError' &&
    typeof (value as { code?: unknown }).code === 'string'
  ) {
    return redactSerializedError(value as SerializedSseError);
  }
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    out[name] = UNTOUCHED.has(name) ? inner : walk(inner, name, depth + 1);
  }
  return out;
}

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SAFE_HEADERS.has(name.toLowerCase()) ? value : REDACTED_VALUE;
  }
  return out;
}
