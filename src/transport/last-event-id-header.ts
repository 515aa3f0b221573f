/**
 * The `Last-Event-ID` request header for a cursor, or none. The cursor comes from the server, and
 * HTML allows any id without NUL, CR or LF (`a\u0001b` is valid), while no header value can carry
 * C0 controls or DEL through undici or `node:http`.
 *
 * @module
 */
import { toByteString } from '../byte-string.js';
import { HEADER_VALUE_CONTROL } from '../header-syntax.js';

/**
 * What to send as `Last-Event-ID` for the cursor `id`, as a byte string (its UTF-8 bytes), or
 * `undefined` to send no such header.
 *
 * The rule (documented in the README, "Resuming"):
 * - `''` (no cursor yet, or the server cleared it with an empty `id:`): no header, as HTML says.
 * - An id holding a character no header can carry (C0 controls except tab, DEL): **no header**, and
 *   the stream goes on. The cursor itself is kept (`client.lastEventId` still reports it) and the
 *   next id the server sends replaces it. Percent-encoding it would send an id the server never
 *   issued; failing the attempt (what undici's request validation does, "invalid last-event-id
 *   header") would stop the stream for good, since the cursor only changes with a new event.
 *   The server then sees a client without a cursor, the same as a first connection.
 * - Otherwise the id's UTF-8 bytes, built once per attempt in linear time.
 *
 * @example
 * ```ts
 * lastEventIdHeader('42'); // '42'
 * lastEventIdHeader('é'); // '\u00c3\u00a9' (UTF-8 on the wire)
 * lastEventIdHeader('a\u0001b'); // undefined: sent without Last-Event-ID
 * ```
 */
export function lastEventIdHeader(id: string): string | undefined {
  if (id === '' || HEADER_VALUE_CONTROL.test(id)) return undefined;
  return toByteString(id);
}
