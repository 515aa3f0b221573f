/**
 * The contract between the statechart and the `stream` actor it invokes for every connection
 * attempt. Transports (undici, fetch, test doubles) implement it; the machine depends only on it.
 *
 * @module
 */
import type { SerializedSseError, SseError } from '../errors.js';
import type { SseOptions } from '../options.js';
import type { SseEvent } from '../parser/types.js';

/** What the machine hands the `stream` actor for one attempt. Plain data: it comes from context. */
export interface StreamInput {
  /** Absolute URL to request. */
  readonly url: string;
  /** Attempt number (1 for the first); doubles as the attempt id in every event sent back. */
  readonly attempt: number;
  /** The cursor: sent as `Last-Event-ID` when non-empty, and the parser's initial last event ID. */
  readonly lastEventId: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Static headers (a function of the attempt is a transport option, not data). */
  readonly headers: Readonly<Record<string, string>>;
  /** Static body, re-sent on every attempt. */
  readonly body: string | undefined;
  /** Largest line or event in bytes; the parser fails the attempt with `EVENT_TOO_LARGE` past it. */
  readonly maxEventSize: number;
  /** Bounds the wait for response headers (ms, 0 = none); the machine owns the timer too. */
  readonly connectTimeout: number;
}

/** Response accepted (200 + `text/event-stream`). */
export interface StreamOpenEvent {
  /** Discriminant. */
  readonly type: 'STREAM.OPEN';
  /** The attempt this response belongs to ({@link StreamInput.attempt}). */
  readonly attempt: number;
  /** HTTP status of the accepted response (200). */
  readonly status: number;
  /** The final URL, after redirects. */
  readonly url: string;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * At most one per received chunk: the machine's heartbeat, cursor and `retry:` bookkeeping.
 * Event payloads do not ride on it unless the transport has no direct sink (`events`).
 */
export interface StreamProgressEvent {
  /** Discriminant. */
  readonly type: 'STREAM.PROGRESS';
  /** The attempt the chunk belongs to. */
  readonly attempt: number;
  /** Bytes in the chunk. */
  readonly bytes: number;
  /** Events dispatched while parsing the chunk (resets `idleEventTimeout`). */
  readonly dispatched: number;
  /** The committed last event ID, when the chunk changed it (dispatch or id-only block). */
  readonly lastEventId?: string;
  /** The last valid `retry:` value in the chunk, in ms. */
  readonly retry?: number;
  /** The dispatched events themselves, only when the transport was created without `onEvent`. */
  readonly events?: readonly SseEvent[];
  /**
   * Sent by the client, not by a transport, while a paused `events()` consumer holds reading back:
   * the silence is the consumer's, so it resets `idleEventTimeout` as an event would.
   */
  readonly held?: boolean;
}

/** The attempt failed. `retryable` is the transport's verdict (status policy and `shouldReconnect`). */
export interface StreamErrorEvent {
  /** Discriminant. */
  readonly type: 'STREAM.ERROR';
  /** The attempt that failed. */
  readonly attempt: number;
  /** The failure, serialized so it can enter the machine's context. */
  readonly error: SerializedSseError;
  /** False when the machine must go to `failed` instead of reconnecting. */
  readonly retryable: boolean;
  /**
   * A wait `shouldReconnect` chose (ms): it replaces the policy's wait for the next reconnect.
   * (A server's `Retry-After` travels as `error.retryAfter` and is a floor on the policy's wait.)
   */
  readonly delay?: number;
}

/** The server ended the response cleanly. A partial event at the end was discarded. */
export interface StreamEndEvent {
  /** Discriminant. */
  readonly type: 'STREAM.END';
  /** The attempt whose response ended. */
  readonly attempt: number;
}

/** Everything a `stream` actor may send to its parent. */
export type StreamEvent = StreamOpenEvent | StreamProgressEvent | StreamErrorEvent | StreamEndEvent;

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
  /** The body; abort the request's signal to stop it. */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * What a transport (undici, fetch) does: send one request and return the response head with its body.
 * Rejects with an `SseError` (`NETWORK`, `REDIRECT`, ...) or any error, which the core maps to `NETWORK`.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * What a `stream` actor needs beyond the plain-data {@link StreamInput}: functions and live objects,
 * which never enter the machine's context. Given once, when the actor logic is created.
 */
export interface StreamOptions {
  /** Headers per attempt (may be async, for token refresh); merged over `StreamInput.headers`. */
  headers?: SseOptions['headers'];
  /** A body that is not a plain string (bytes, or a factory called once per attempt). */
  body?: SseOptions['body'];
  /**
   * The user's verdict on a failure: `false` stops, `true` reconnects (even after an error the
   * default policy treats as final) with the policy's wait, a number reconnects after that many ms.
   */
  shouldReconnect?: SseOptions['shouldReconnect'];
  /**
   * The data plane: called for every dispatched event of the current attempt, straight from the
   * parser. Without it, events ride on `STREAM.PROGRESS` and the machine emits them (`sse.event`).
   * It must not throw (the client wraps user listeners); a throw would end the attempt.
   */
  onEvent?: (event: SseEvent, attempt: number) => void;
  /** The response was accepted, just before its `STREAM.OPEN`. */
  onOpen?: (event: StreamOpenEvent) => void;
  /** The failure of an attempt, as a live error (with its `cause`), just before its `STREAM.ERROR`. */
  onError?: (error: SseError, attempt: number) => void;
  /** Bytes of every received chunk (metrics), called before its `STREAM.PROGRESS`. */
  onChunk?: (bytes: number, attempt: number) => void;
  /** Comment lines (keep-alives), for observers. */
  onComment?: (comment: string, attempt: number) => void;
  /**
   * Backpressure: called after each chunk is parsed; when it returns a promise, the next chunk is
   * not read until it settles (the socket stops being drained, so TCP pushes back on the server).
   */
  beforeNextChunk?: () => Promise<void> | undefined;
}
