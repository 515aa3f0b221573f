/**
 * The protocol between the statechart and the `stream` actor it invokes for every attempt: what the
 * chart hands the actor, what the actor reports back, and what the chart tells a running actor.
 *
 * The actor reports only what the chart owns: the response was accepted, a committed cursor or a
 * new `retry:` (coalesced, at most about ten times a second), a silence timer that fired, a
 * failure, the end. Bytes and events never enter the chart.
 *
 * @module
 */
import type { SseError, SseErrorCode } from '../errors.js';
import type { SseEvent } from '../parser/types.js';

/** What the chart hands the `stream` actor for one attempt. Plain data: it comes from context. */
export interface StreamInput {
  /** URL to request (the client's own request, with its query, is bound to the actor instead). */
  readonly url: string;
  /** Attempt number (1 for the first). */
  readonly attempt: number;
  /** The cursor: sent as `Last-Event-ID` when non-empty, and the parser's initial last event ID. */
  readonly lastEventId: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Static headers of a plain machine (a client binds its headers to the actor instead). */
  readonly headers: Readonly<Record<string, string>>;
  /** Static body of a plain machine, sent with every attempt (an accepted one again only with a cursor or `resendAccepted`). */
  readonly body: string | undefined;
  /** Largest line or event in bytes; the parser fails the attempt with `EVENT_TOO_LARGE` past it. */
  readonly maxEventSize: number;
  /** No response headers for this long (ms) sends {@link StreamTimeoutEvent}; 0: never. */
  readonly connectTimeout: number;
  /** No bytes for this long (ms) while flowing sends {@link StreamTimeoutEvent}; 0: never. */
  readonly heartbeatTimeout: number;
  /** No dispatched event for this long (ms) while flowing sends {@link StreamTimeoutEvent}; 0: never. */
  readonly idleEventTimeout: number;
  /** Reconnects in a row before this attempt (what `shouldReconnect` is told). */
  readonly retries: number;
  /** Backoff waited (ms) since the last stable connection. */
  readonly waited: number;
}

/** Response accepted (200 + `text/event-stream`). */
export interface StreamOpenEvent {
  /** Discriminant. */
  readonly type: 'STREAM.OPEN';
  /** HTTP status of the accepted response (200). */
  readonly status: number;
  /** The final URL after redirects, without query, fragment or credentials. */
  readonly url: string;
  /** Response headers, lower-case names, without `set-cookie`. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * What changed that the chart owns: the committed cursor and the server's `retry:`. Coalesced: a
 * change after a quiet spell is reported at once, later ones at most every
 * {@link PROGRESS_INTERVAL} ms, and whatever is pending before any other report.
 */
export interface StreamProgressEvent {
  /** Discriminant. */
  readonly type: 'STREAM.PROGRESS';
  /** The committed last event ID, when it changed (dispatch or id-only block). */
  readonly lastEventId?: string;
  /** The last valid `retry:` value, in ms, when one arrived. */
  readonly retry?: number;
  /**
   * The dispatched events themselves, only when the stream has no direct sink (a plain machine):
   * then one progress is sent per chunk with events, and the machine emits them as `sse.event`.
   */
  readonly events?: readonly SseEvent[];
}

/** The stream's silence timers, named as the options and the chart's input name them. */
export type SilenceTimer = 'connectTimeout' | 'heartbeatTimeout' | 'idleEventTimeout';

/**
 * The error code of each silence timer.
 *
 * @example
 * ```ts
 * SILENCE_TIMER_CODES.heartbeatTimeout; // 'HEARTBEAT_TIMEOUT'
 * ```
 */
export const SILENCE_TIMER_CODES: Readonly<Record<SilenceTimer, SseErrorCode>> = {
  connectTimeout: 'CONNECT_TIMEOUT',
  heartbeatTimeout: 'HEARTBEAT_TIMEOUT',
  idleEventTimeout: 'IDLE_EVENT_TIMEOUT',
};

/** A silence timer of the attempt fired. The error says which (`CONNECT_TIMEOUT`, ...). */
export interface StreamTimeoutEvent {
  /** Discriminant. */
  readonly type: 'STREAM.TIMEOUT';
  /** Which timer fired. */
  readonly timer: SilenceTimer;
  /** The failure, with the timer's code. */
  readonly error: SseError;
}

/** The attempt failed. `retryable` is the verdict of the status policy and `shouldReconnect`. */
export interface StreamErrorEvent {
  /** Discriminant. */
  readonly type: 'STREAM.ERROR';
  /** The failure, as raised (its `cause` intact). */
  readonly error: SseError;
  /** False when the machine must go to `failed` instead of reconnecting. */
  readonly retryable: boolean;
  /** A wait `shouldReconnect` chose (ms): it replaces the policy's wait for the next reconnect. */
  readonly delay?: number;
}

/** The server ended the response cleanly. A partial event at the end was discarded. */
export interface StreamEndEvent {
  /** Discriminant. */
  readonly type: 'STREAM.END';
}

/** The actor flushed its cursor after a `RESTART` command: the chart may start the next attempt. */
export interface StreamRestartEvent {
  /** Discriminant. */
  readonly type: 'STREAM.RESTART';
}

/** Everything a `stream` actor may send to its parent. */
export type StreamEvent =
  | StreamOpenEvent
  | StreamProgressEvent
  | StreamTimeoutEvent
  | StreamErrorEvent
  | StreamEndEvent
  | StreamRestartEvent;

/**
 * What the chart tells a running `stream` actor: `HOLD` (the consumer stopped reading: pause the
 * body and the silence timers), `FLOW` (resume), `STABLE` (the connection became stable: the
 * reconnect counters restarted), `RESTART` (flush the cursor, then report `STREAM.RESTART`).
 */
export type StreamCommand =
  | {
      /** The consumer stopped reading: pause the body and the silence timers. */
      readonly type: 'HOLD';
    }
  | {
      /** The consumer reads again: resume, the silence timers counting from now. */
      readonly type: 'FLOW';
    }
  | {
      /** The connection became stable: the reconnect counters restarted. */
      readonly type: 'STABLE';
    }
  | {
      /** Flush the cursor, then report `STREAM.RESTART`. */
      readonly type: 'RESTART';
    };

/**
 * Longest a cursor change waits (ms) before the chart hears of it, while changes keep coming.
 *
 * @example
 * ```ts
 * // A snapshot taken while events flow holds a cursor at most this old.
 * setInterval(() => save(actor.getPersistedSnapshot()), PROGRESS_INTERVAL * 10);
 * ```
 */
export const PROGRESS_INTERVAL = 100;
