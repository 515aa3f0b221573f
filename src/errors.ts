/**
 * Every failure sse-machine reports is an {@link SseError} with a stable string `code`.
 * Connection failures are data (an `error` event, `lastError` in the machine's context);
 * only programmer mistakes (bad options) throw, and those throw `TypeError`.
 *
 * @module
 */
import { redactUrl, redactUrlsIn } from './redact.js';

/**
 * The stable codes an {@link SseError} can carry. Each is documented once, in the README.
 * Codes are API: new ones may be added in a minor release, existing ones never change meaning.
 *
 * @example
 * ```ts
 * function isKnownCode(code: string): code is SseErrorCode {
 *   return (SSE_ERROR_CODES as readonly string[]).includes(code);
 * }
 * ```
 */
export const SSE_ERROR_CODES = [
  'NETWORK',
  'TLS',
  'REQUEST',
  'HTTP_STATUS',
  'BAD_CONTENT_TYPE',
  'BAD_CONTENT_ENCODING',
  'BAD_RESPONSE',
  'NO_CONTENT',
  'REDIRECT',
  'CONNECT_TIMEOUT',
  'HEARTBEAT_TIMEOUT',
  'IDLE_EVENT_TIMEOUT',
  'EVENT_TOO_LARGE',
  'RECONNECT_EXHAUSTED',
  'NOT_RESUMABLE',
  'LISTENER',
  'BUFFER_OVERFLOW',
  'PARSE',
] as const;

/** One of {@link SSE_ERROR_CODES}. */
export type SseErrorCode = (typeof SSE_ERROR_CODES)[number];

/** Plain-data form of an {@link SseError}: what the machine keeps in context, so snapshots stay JSON. */
export interface SerializedSseError {
  /** Always `'SseError'`, so a log reader can tell it from other serialized errors. */
  readonly name: 'SseError';
  /** The stable code; see {@link SseError.code}. */
  readonly code: SseErrorCode;
  /** Human-readable description; not stable, do not match on it. */
  readonly message: string;
  /** HTTP status of the response that caused the error, if any. */
  readonly status?: number;
  /** URL of the request that failed. */
  readonly url?: string;
  /** Connection attempt (1 for the first) during which the error happened. */
  readonly attempt?: number;
  /** `Retry-After` of the response, in milliseconds, when the server sent one. */
  readonly retryAfter?: number;
  /** `String(cause)` of the original error, when there was one. */
  readonly cause?: string;
  /** Response headers (lower-case names) without the credential ones; see {@link SseError.toJSON}. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Context an {@link SseError} may carry besides its code and message. */
export interface SseErrorDetails {
  /** HTTP status of the response that caused the error. */
  status?: number | undefined;
  /** URL of the request that failed. */
  url?: string | undefined;
  /** Connection attempt (1 for the first). */
  attempt?: number | undefined;
  /** `Retry-After` of the response, in milliseconds. */
  retryAfter?: number | undefined;
  /** The underlying error (a socket error, an abort reason), kept as the standard `cause`. */
  cause?: unknown;
  /** Headers of the HTTP response that caused the error, lower-case names. */
  headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * Response headers {@link SseError.toJSON} leaves out: they carry credentials (session cookies, an
 * authentication server's `rspauth`/`nextnonce`), and `toJSON()` is what reaches snapshots, logs and
 * `metrics().lastError`. The live error's `headers` keeps them. `www-authenticate` and
 * `proxy-authenticate` stay: they are challenges, not secrets, and what a 401 handler needs.
 *
 * @example
 * ```ts
 * const json = error.toJSON(); // json.headers has no 'set-cookie', error.headers may
 * CREDENTIAL_RESPONSE_HEADERS.has('set-cookie'); // true
 * ```
 */
export const CREDENTIAL_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'authorization',
  'proxy-authorization',
  'cookie',
  'authentication-info',
  'proxy-authentication-info',
]);

// A registry symbol, not the class identity, so that `isSseError` holds across duplicate installs
// (two copies of the package in one app), as undici does for its errors.
const kSseError = Symbol.for('sse-machine.error');

/**
 * The one error class of sse-machine.
 *
 * @example
 * ```ts
 * client.on('error', (error) => {
 *   if (error.code === 'HTTP_STATUS' && error.status === 401) refreshToken();
 * });
 * ```
 */
export class SseError extends Error {
  /** Always `'SseError'` (also across duplicate installs, where `instanceof` fails: use {@link isSseError}). */
  override readonly name = 'SseError';
  /** What went wrong, as a stable code to branch on (the message is for humans). */
  readonly code: SseErrorCode;
  /** HTTP status of the response that caused the error, if any. */
  readonly status: number | undefined;
  /** URL of the request that failed. */
  readonly url: string | undefined;
  /** Connection attempt (1 for the first) during which the error happened. */
  readonly attempt: number | undefined;
  /** `Retry-After` of the response, in milliseconds. */
  readonly retryAfter: number | undefined;
  /**
   * Headers (lower-case names) of the HTTP response the error came from: every status error,
   * `BAD_CONTENT_TYPE`, `NO_CONTENT`, `BAD_CONTENT_ENCODING`, a `REDIRECT` refused. `undefined` for
   * failures without a response (network, timeouts).
   *
   * @example
   * ```ts
   * client.on('error', (error) => {
   *   if (error.status === 401) console.log(error.headers?.['www-authenticate']);
   *   if (error.status === 429) console.log(error.headers?.['ratelimit-reset']);
   * });
   * ```
   */
  readonly headers: Readonly<Record<string, string>> | undefined;

  /**
   * The message and `url` are stored redacted ({@link redactUrl}): no query, fragment or
   * credentials of any http(s) URL in them, whoever built the message.
   */
  constructor(code: SseErrorCode, message: string, details: SseErrorDetails = {}) {
    super(redactUrlsIn(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.url = details.url === undefined ? undefined : redactUrl(details.url);
    this.attempt = details.attempt;
    this.retryAfter = details.retryAfter;
    this.headers = details.headers;
  }

  /** @internal brand checked by {@link isSseError}. */
  get [kSseError](): true {
    return true;
  }

  /**
   * `instanceof SseError` holds for an error from any copy of sse-machine (two installs, the
   * CommonJS and ESM entries): it checks the registry brand, not the class.
   *
   * @example
   * ```ts
   * import { SseError } from 'sse-machine';
   * errorFromAnotherCopy instanceof SseError; // true
   * ```
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSseError(value);
  }

  /**
   * Plain data for snapshots and logs: URLs redacted, response headers without
   * {@link CREDENTIAL_RESPONSE_HEADERS}.
   */
  toJSON(): SerializedSseError {
    return {
      name: 'SseError',
      code: this.code,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.url === undefined ? {} : { url: this.url }),
      ...(this.attempt === undefined ? {} : { attempt: this.attempt }),
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
      ...(this.cause === undefined ? {} : { cause: redactUrlsIn(describeCause(this.cause)) }),
      ...(this.headers === undefined ? {} : { headers: withoutCredentials(this.headers) }),
    };
  }

  /** Rebuild an error from its {@link SerializedSseError} form (for example from a persisted snapshot). */
  static from(data: SerializedSseError): SseError {
    return new SseError(data.code, data.message, {
      status: data.status,
      url: data.url,
      attempt: data.attempt,
      retryAfter: data.retryAfter,
      cause: data.cause,
      headers: data.headers,
    });
  }
}

/**
 * True for an {@link SseError} from any copy of sse-machine.
 *
 * @example
 * ```ts
 * try { await iterate(); } catch (error) { if (isSseError(error)) console.log(error.code); }
 * ```
 */
export function isSseError(value: unknown): value is SseError {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kSseError] === true
  );
}

// Headers whose value is a URL (a redirect target may carry its own token): redacted like `url`.
const URL_HEADERS: ReadonlySet<string> = new Set(['location', 'content-location']);

function withoutCredentials(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (CREDENTIAL_RESPONSE_HEADERS.has(lower)) continue;
    out[name] = URL_HEADERS.has(lower) ? redactUrl(value) : value;
  }
  return out;
}

/**
 * A serialized error as {@link SseError.toJSON} would have written it: URLs redacted, no
 * credential headers. For errors that were built as plain data (the machine's own timeouts and
 * `RECONNECT_EXHAUSTED`, a persisted snapshot from an older version) before they are shown.
 *
 * @example
 * ```ts
 * const shown = redactSerializedError(snapshot.context.lastError);
 * ```
 */
export function redactSerializedError(error: SerializedSseError): SerializedSseError;
export function redactSerializedError(error: SerializedSseError | undefined): SerializedSseError | undefined;
export function redactSerializedError(error: SerializedSseError | undefined): SerializedSseError | undefined {
  if (error === undefined) return undefined;
  return {
    ...error,
    message: redactUrlsIn(error.message),
    ...(error.url === undefined ? {} : { url: redactUrl(error.url) }),
    ...(error.cause === undefined ? {} : { cause: redactUrlsIn(error.cause) }),
    ...(error.headers === undefined ? {} : { headers: withoutCredentials(error.headers) }),
  };
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string'
      ? `${cause.name} ${code}: ${cause.message}`
      : `${cause.name}: ${cause.message}`;
  }
  return String(cause);
}
