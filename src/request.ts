/**
 * The request vocabulary that the chart, the stream actor, the transports and the options share:
 * headers, bodies, the end-of-stream policy and the user's reconnect verdict. A leaf module: it
 * imports nothing but types of the error class, so every layer can depend on it and none back.
 *
 * @module
 */
import type { SseError } from './errors.js';

/** Request headers: a record, a list of pairs, or a `Headers` object. */
export type SseHeaders =
  | Readonly<Record<string, string>>
  | ReadonlyArray<readonly [string, string]>
  | Headers;

/** Headers as given in the options: fixed, or a function of the attempt (may be async: token refresh). */
export type SseHeadersOption = SseHeaders | ((attempt: number) => SseHeaders | Promise<SseHeaders>);

/** A request body, sent with every attempt until one is accepted (see `resendAccepted`). A function is called once per attempt. */
export type SseBody = string | Uint8Array | (() => string | Uint8Array);

/**
 * When a stream that ended cleanly is reconnected: `'always'`, `'never'` (the machine goes to
 * `closed`), or `'if-resumable'` (only when a `Last-Event-ID` lets the server resume).
 */
export type ReconnectOnEnd = 'always' | 'never' | 'if-resumable';

/** What {@link ShouldReconnect} is told about a failure. New fields may be added; none removed. */
export interface ReconnectQuestion {
  /** The failure. */
  readonly error: SseError;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** Reconnects in a row since the last stable connection, before this one. */
  readonly retries: number;
  /** Backoff waited (ms) since the last stable connection. */
  readonly waited: number;
}

/**
 * The user's verdict on a failure: `false` stops (state `failed`), `true` reconnects (even after an
 * error the default policy treats as final) with the policy's wait, a number reconnects after that
 * many ms, `undefined` keeps the default policy.
 */
export type ShouldReconnect = (question: ReconnectQuestion) => boolean | number | undefined;

/** Headers in any accepted form as a plain record (names as given; HTTP names are case-insensitive). */
export function headersToRecord(headers: SseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs: Iterable<readonly [string, string]> =
    typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)
      ? (headers as Headers).entries()
      : Array.isArray(headers)
        ? (headers as ReadonlyArray<readonly [string, string]>)
        : Object.entries(headers as Record<string, string>);
  for (const [name, value] of pairs) out[name] = value;
  return out;
}
