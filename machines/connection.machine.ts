/**
 * The sse-machine connection statechart.
 *
 * ```
 * idle ──CONNECT──▶ active ──────────────────────────────────────────────┐
 *                   │ invoke stream (one HTTP request per attempt)       │ STREAM.ERROR [isFatal] ─▶ failed
 *                   │ connecting ──STREAM.OPEN──▶ connected              │ STREAM.ERROR [resendIsUnsafe] ─▶ failed, END ─▶ closed
 *                   │                                                    │ STREAM.ERROR|END [canRetry] ─▶ reconnecting
 *                   │   STREAM.TIMEOUT (connect)   ├ reading: flowing ─HOLD⇄FLOW─ held (the consumer holds)
 *                   │                              ├ stability: settling ─after(resetAfter)─▶ stable
 *                   │                              └ STREAM.TIMEOUT (heartbeat, idle event) [canRetry] ─▶ reconnecting
 *                   │ RECONNECT ─▶ (stream flushes its cursor) STREAM.RESTART ─▶ active (a new attempt)
 * reconnecting ─after(reconnectDelay) | RETRY | RECONNECT─▶ active
 * failed ─RETRY | CONNECT | RECONNECT─▶ active          * ─CLOSE─▶ closed (final)
 * ```
 *
 * This file is the chart only: literal config that Stately's tools read statically, pure
 * implementations of guards, delays and actions, and a placeholder `stream` actor. The real
 * transports are provided in `src/` with `sseMachine.provide({ actors: { stream } })`.
 *
 * The chart owns the lifecycle, not the bytes. The stream actor keeps the silence timers
 * (`connectTimeout`, `heartbeatTimeout`, `idleEventTimeout`: one cheap timer per attempt, refreshed
 * by a timestamp, never scheduled when 0) where the bytes are, and reports `STREAM.TIMEOUT` when one
 * fires; a macrostep per received chunk would cost 50–100× the parse. `reconnectDelay` and
 * `resetAfter` are the chart's own `after` timers.
 *
 * @module
 */
import { assign, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import {
  clampDelay,
  computeReconnectDelay,
  DEFAULT_RECONNECT_POLICY,
  MAX_DELAY,
  type ReconnectPolicy,
} from '../src/backoff.js';
import { SseError } from '../src/errors.js';
import type { SseEvent } from '../src/parser/types.js';
import { redactUrl } from '../src/redact.js';
import type { ReconnectOnEnd } from '../src/request.js';
import type { StreamCommand, StreamEvent, StreamInput } from '../src/transport/stream-protocol.js';

export type { ReconnectOnEnd } from '../src/request.js';

/** Input of {@link sseMachine}: plain data only, so a snapshot stays JSON. */
export interface SseMachineInput {
  /** Absolute URL of the event stream (kept in context: a client passes it without its query). */
  url: string;
  /** HTTP method. @defaultValue `'GET'` */
  method?: string | undefined;
  /** Static request headers of a plain machine; kept in context, so put no secret here (a client binds its headers to the stream instead). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Request body of a plain machine, sent with every attempt (see `resendAccepted`); kept in context like `headers`. */
  body?: string | undefined;
  /** Seed for the cursor, sent as `Last-Event-ID` on the first request. */
  lastEventId?: string | undefined;
  /** Overrides of {@link DEFAULT_RECONNECT_POLICY}; `null` limits mean unlimited (JSON has no `Infinity`). */
  reconnect?: Partial<ReconnectPolicy> | undefined;
  /** Whether a cleanly ended stream is reconnected. @defaultValue `'always'` */
  reconnectOnEnd?: ReconnectOnEnd | undefined;
  /**
   * Whether a non-GET request the server accepted is sent again after its stream drops, times out
   * or ends with no `Last-Event-ID` to resume from. @defaultValue false
   */
  resendAccepted?: boolean | undefined;
  /** No bytes for this long (ms) drops and reconnects; 0 disables. @defaultValue {@link DEFAULT_HEARTBEAT_TIMEOUT} */
  heartbeatTimeout?: number | undefined;
  /** No dispatched event for this long (ms) drops and reconnects; 0 disables. @defaultValue {@link DEFAULT_IDLE_EVENT_TIMEOUT} */
  idleEventTimeout?: number | undefined;
  /** No response headers for this long (ms) fails the attempt; 0 disables. @defaultValue {@link DEFAULT_CONNECT_TIMEOUT} */
  connectTimeout?: number | undefined;
  /** Largest line or event in bytes before `EVENT_TOO_LARGE`. @defaultValue 16 MiB */
  maxEventSize?: number | undefined;
}

/**
 * Why the current `reconnecting` wait is as long as it is: the policy's `'backoff'`, the server's
 * `retry:` (`'server-retry'`), its `Retry-After` (`'retry-after'`), a delay `shouldReconnect` chose
 * (`'chosen'`), or the `'immediate'` strategy.
 */
export type ReconnectReason = 'backoff' | 'server-retry' | 'retry-after' | 'chosen' | 'immediate';

/** Context of {@link sseMachine}. JSON-serializable (an `SseError` serializes with `toJSON()`). */
export interface SseMachineContext {
  /** URL of the event stream, as given in the input. */
  readonly url: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Static request headers of a plain machine. */
  readonly headers: Readonly<Record<string, string>>;
  /** Request body of a plain machine, if any. */
  readonly body: string | undefined;
  /** The complete reconnection policy: the input merged over {@link DEFAULT_RECONNECT_POLICY}. */
  readonly reconnect: ReconnectPolicy;
  /** Whether a cleanly ended stream is reconnected. */
  readonly reconnectOnEnd: ReconnectOnEnd;
  /** Whether an accepted non-GET request is sent again without a cursor (see the `resendIsUnsafe` guard). */
  readonly resendAccepted: boolean;
  /** Heartbeat timer (ms) of the stream actor; 0 disables it. */
  readonly heartbeatTimeout: number;
  /** Idle-event timer (ms) of the stream actor; 0 disables it. */
  readonly idleEventTimeout: number;
  /** Connect timer (ms) of the stream actor; 0 disables it. */
  readonly connectTimeout: number;
  /** Largest line or event in bytes, handed to the stream actor's parser. */
  readonly maxEventSize: number;
  /** The cursor the next attempt sends: the last event ID the stream committed. */
  readonly lastEventId: string;
  /** The server's last `retry:` value (ms); replaces the base reconnect delay from then on. */
  readonly serverRetry: number | undefined;
  /** The last failure's `Retry-After` (ms): a floor on the next wait, consumed by it. */
  readonly retryAfter: number | undefined;
  /** A wait `shouldReconnect` chose for the last failure (ms): replaces the next wait, consumed by it. */
  readonly chosenDelay: number | undefined;
  /** Connection attempts made so far (1 for the first); also the id of the current attempt. */
  readonly attempt: number;
  /** Reconnects in a row since the last stable connection. */
  readonly retries: number;
  /** Backoff waited (ms) since the last stable connection. */
  readonly waited: number;
  /** The wait planned for the current `reconnecting` state (ms). */
  readonly nextDelay: number;
  /** Why {@link SseMachineContext.nextDelay} is what it is. */
  readonly delayReason: ReconnectReason;
  /** The last failure, as raised (a restored snapshot holds its serialized form). */
  readonly lastError: SseError | undefined;
  /** The response the current connection was accepted with (no `set-cookie`, URL without query). */
  readonly response: SseResponseInfo | undefined;
}

/** The head of an accepted response, as the chart keeps it. */
export interface SseResponseInfo {
  /** HTTP status (200). */
  readonly status: number;
  /** The final URL after redirects, without query, fragment or credentials. */
  readonly url: string;
  /** Response headers, lower-case names, without `set-cookie`. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Events {@link sseMachine} accepts: `CONNECT` (from `idle` or `failed`), `RETRY` (skip the
 * backoff wait, or leave `failed`), `RECONNECT` (drop the live attempt and start a new one now),
 * `HOLD`/`FLOW` (the consumer stopped/resumed reading), `CLOSE` (from anywhere, final), and the
 * stream actor's {@link StreamEvent}s.
 */
export type SseMachineEvent =
  | {
      /** Start connecting (from `idle`), or start over (from `failed`). */
      type: 'CONNECT';
    }
  | {
      /** Reconnect now instead of after the backoff wait, or leave `failed`. */
      type: 'RETRY';
    }
  | {
      /** Drop the live attempt (or skip a wait, or leave `failed`) and connect again at once. */
      type: 'RECONNECT';
    }
  | {
      /** While connected: the consumer cannot take more events; pause reading (and the silence timers). */
      type: 'HOLD';
    }
  | {
      /** While connected and held: the consumer caught up; read again. */
      type: 'FLOW';
    }
  | {
      /** Close for good: the machine reaches its final `closed` state. */
      type: 'CLOSE';
    }
  | StreamEvent;

/**
 * Events {@link sseMachine} emits (`actor.on('sse.event', ...)`) when its stream has no direct sink
 * (a plain `createActor(connectionMachine)`); a client's events bypass the chart.
 */
export type SseMachineEmitted = {
  /** Always `'sse.event'`. */
  type: 'sse.event';
  /** One dispatched event, exactly as the parser produced it. */
  event: SseEvent;
};

/**
 * Default heartbeat timeout (ms): longer than the 15–30 s keep-alive comments most servers send,
 * so one late comment does not drop a healthy connection.
 *
 * @example
 * ```ts
 * // A server that sends a comment every 5 s can be watched more tightly than the default.
 * createSseClient(url, { heartbeatTimeout: DEFAULT_HEARTBEAT_TIMEOUT / 3 });
 * ```
 */
export const DEFAULT_HEARTBEAT_TIMEOUT = 45_000;
/**
 * Default connect timeout (ms): how long an attempt may wait for response headers.
 *
 * @example
 * ```ts
 * createSseClient(url, { connectTimeout: 2 * DEFAULT_CONNECT_TIMEOUT }); // a slow gateway
 * ```
 */
export const DEFAULT_CONNECT_TIMEOUT = 30_000;
/**
 * Default idle-event timeout: 0, disabled, because many streams legitimately go quiet for long
 * stretches while their keep-alive comments still prove the connection alive.
 *
 * @example
 * ```ts
 * // A price feed that must produce an event at least every 10 s.
 * createSseClient(url, { idleEventTimeout: 10_000 }); // DEFAULT_IDLE_EVENT_TIMEOUT (0) would never fire
 * ```
 */
export const DEFAULT_IDLE_EVENT_TIMEOUT = 0;
/** @internal Default `maxEventSize` (16 MiB), the parser's own default. */
const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

function createContext(input: SseMachineInput): SseMachineContext {
  const reconnect = { ...DEFAULT_RECONNECT_POLICY };
  for (const [key, value] of Object.entries(input.reconnect ?? {})) {
    if (value !== undefined) Object.assign(reconnect, { [key]: value });
  }
  return {
    url: input.url,
    method: input.method ?? 'GET',
    headers: input.headers ?? {},
    body: input.body,
    reconnect,
    reconnectOnEnd: input.reconnectOnEnd ?? 'always',
    resendAccepted: input.resendAccepted ?? false,
    heartbeatTimeout: input.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT,
    idleEventTimeout: input.idleEventTimeout ?? DEFAULT_IDLE_EVENT_TIMEOUT,
    connectTimeout: input.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    maxEventSize: input.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE,
    lastEventId: input.lastEventId ?? '',
    serverRetry: undefined,
    retryAfter: undefined,
    chosenDelay: undefined,
    attempt: 0,
    retries: 0,
    waited: 0,
    nextDelay: 0,
    delayReason: 'backoff',
    lastError: undefined,
    response: undefined,
  };
}

/** The wait before the next reconnect, and what decided it. */
function planWait(context: SseMachineContext, retries: number): { delay: number; reason: ReconnectReason } {
  const chosen = clampDelay(context.chosenDelay);
  if (chosen !== undefined) return { delay: chosen, reason: 'chosen' };
  if (context.reconnect.strategy === 'immediate' && context.retryAfter === undefined) {
    return { delay: 0, reason: 'immediate' };
  }
  // One jitter draw for both: the wait with and without Retry-After must differ only by it.
  const draw = Math.random();
  const random = (): number => draw;
  const policy = computeReconnectDelay(
    context.reconnect,
    retries,
    { serverRetry: context.serverRetry },
    random,
  );
  const delay = computeReconnectDelay(context.reconnect, retries, context, random);
  if (context.retryAfter !== undefined && delay > policy) return { delay, reason: 'retry-after' };
  return { delay: policy, reason: context.serverRetry === undefined ? 'backoff' : 'server-retry' };
}

/** The stream actor of the pure chart: does nothing. `src/` provides the real one. */
const placeholderStream = fromCallback<StreamCommand, StreamInput>(() => undefined);

/**
 * The connection lifecycle of one Server-Sent Events stream, with a placeholder `stream` actor.
 * Provide a transport (or use `connectionMachine` from `sse-machine`, which has undici wired in).
 *
 * @example
 * ```ts
 * const actor = createActor(sseMachine.provide({ actors: { stream: myStream } }), {
 *   input: { url: 'https://example.com/events' },
 * }).start();
 * actor.send({ type: 'CONNECT' });
 * ```
 */
export const sseMachine = setup({
  types: {
    context: {} as SseMachineContext,
    events: {} as SseMachineEvent,
    input: {} as SseMachineInput,
    emitted: {} as SseMachineEmitted,
  },
  actors: {
    stream: placeholderStream,
  },
  delays: {
    // Capped at MAX_DELAY: a longer timer would fire at once.
    resetAfter: ({ context }) => Math.min(context.reconnect.resetAfter, MAX_DELAY),
    reconnectDelay: ({ context }) => context.nextDelay,
  },
  guards: {
    isFatal: ({ event }) => event.type === 'STREAM.ERROR' && !event.retryable,
    canRetry: ({ context }) => {
      const { strategy, maxAttempts, maxElapsed } = context.reconnect;
      if (strategy === 'none') return false;
      if (maxAttempts !== null && context.retries >= maxAttempts) return false;
      return maxElapsed === null || context.waited < maxElapsed;
    },
    // Safe POST: the server accepted a non-GET request (an LLM prompt, an order) and its stream
    // stopped. Sending it again would repeat it (regenerate, and bill, the answer) unless a cursor
    // lets the server resume or the user said the request may be repeated.
    resendIsUnsafe: ({ context }) =>
      context.method !== 'GET' &&
      context.response !== undefined &&
      context.lastEventId === '' &&
      !context.resendAccepted,
    endIsFinal: ({ context }) =>
      context.reconnectOnEnd === 'never' ||
      (context.reconnectOnEnd === 'if-resumable' && context.lastEventId === ''),
  },
  actions: {
    startAttempt: assign({ attempt: ({ context }) => context.attempt + 1, response: undefined }),
    recordOpen: assign(({ event }) => {
      if (event.type !== 'STREAM.OPEN') return {};
      return { response: { status: event.status, url: event.url, headers: event.headers } };
    }),
    recordProgress: assign(({ context, event }) => {
      if (event.type !== 'STREAM.PROGRESS') return {};
      return {
        lastEventId: event.lastEventId ?? context.lastEventId,
        serverRetry: event.retry ?? context.serverRetry,
      };
    }),
    // Only a stream without a direct sink carries payloads here; a client's events bypass the chart.
    emitEvents: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'STREAM.PROGRESS' || event.events === undefined) return;
      for (const sseEvent of event.events) enqueue.emit({ type: 'sse.event', event: sseEvent });
    }),
    recordError: assign(({ event }) => {
      if (event.type === 'STREAM.TIMEOUT') {
        return { lastError: event.error, retryAfter: undefined, chosenDelay: undefined };
      }
      if (event.type !== 'STREAM.ERROR') return {};
      return { lastError: event.error, retryAfter: event.error.retryAfter, chosenDelay: event.delay };
    }),
    refuseResend: assign(({ context }) => ({
      lastError: new SseError(
        'NOT_RESUMABLE',
        `the ${context.method} request was accepted and its stream stopped with no Last-Event-ID to resume from: not sent again, so it is not repeated (resendAccepted: true allows it)`,
        { url: redactUrl(context.url), attempt: context.attempt, cause: context.lastError },
      ),
    })),
    giveUp: assign(({ context }) => ({
      lastError: new SseError(
        'RECONNECT_EXHAUSTED',
        'gave up reconnecting: the reconnect policy allows no further attempt',
        { url: redactUrl(context.url), attempt: context.attempt, cause: context.lastError },
      ),
    })),
    planReconnect: assign(({ context }) => {
      const retries = context.retries + 1;
      const { delay, reason } = planWait(context, retries);
      return {
        retries,
        nextDelay: delay,
        delayReason: reason,
        waited: context.waited + delay,
        retryAfter: undefined,
        chosenDelay: undefined,
      };
    }),
    // A Retry-After from the failure that ended in `failed` must not hold back a manual restart.
    resetRetries: assign({ retries: 0, waited: 0, retryAfter: undefined, chosenDelay: undefined }),
    holdStream: sendTo('stream', { type: 'HOLD' } satisfies StreamCommand),
    releaseStream: sendTo('stream', { type: 'FLOW' } satisfies StreamCommand),
    notifyStable: sendTo('stream', { type: 'STABLE' } satisfies StreamCommand),
    restartStream: sendTo('stream', { type: 'RESTART' } satisfies StreamCommand),
  },
}).createMachine({
  id: 'sse',
  context: ({ input }) => createContext(input),
  initial: 'idle',
  on: {
    CLOSE: { target: '.closed' },
  },
  states: {
    idle: {
      on: {
        CONNECT: { target: 'active' },
        RECONNECT: { target: 'active' },
      },
    },
    active: {
      entry: 'startAttempt',
      invoke: {
        id: 'stream',
        src: 'stream',
        input: ({ context }) => ({
          url: context.url,
          attempt: context.attempt,
          lastEventId: context.lastEventId,
          method: context.method,
          headers: context.headers,
          body: context.body,
          maxEventSize: context.maxEventSize,
          connectTimeout: context.connectTimeout,
          heartbeatTimeout: context.heartbeatTimeout,
          idleEventTimeout: context.idleEventTimeout,
          retries: context.retries,
          waited: context.waited,
        }),
      },
      initial: 'connecting',
      on: {
        'STREAM.PROGRESS': { actions: ['recordProgress', 'emitEvents'] },
        'STREAM.ERROR': [
          { guard: 'isFatal', target: 'failed', actions: 'recordError' },
          { guard: 'resendIsUnsafe', target: 'failed', actions: ['recordError', 'refuseResend'] },
          { guard: 'canRetry', target: 'reconnecting', actions: 'recordError' },
          { target: 'failed', actions: ['recordError', 'giveUp'] },
        ],
        'STREAM.END': [
          { guard: 'endIsFinal', target: 'closed' },
          // The answer is complete; asking again would repeat the request.
          { guard: 'resendIsUnsafe', target: 'closed' },
          { guard: 'canRetry', target: 'reconnecting' },
          { target: 'failed', actions: 'giveUp' },
        ],
        // The stream flushes its cursor first, so the new attempt resumes exactly where this one was.
        RECONNECT: { actions: 'restartStream' },
        'STREAM.RESTART': { target: 'active', reenter: true },
      },
      states: {
        connecting: {
          on: {
            'STREAM.OPEN': { target: 'connected', actions: 'recordOpen' },
            // The stream's connectTimeout: no response headers in time.
            'STREAM.TIMEOUT': [
              {
                description: 'connectTimeout',
                guard: 'canRetry',
                target: '#sse.reconnecting',
                actions: 'recordError',
              },
              { description: 'connectTimeout', target: '#sse.failed', actions: ['recordError', 'giveUp'] },
            ],
          },
        },
        connected: {
          type: 'parallel',
          on: {
            // The stream's heartbeatTimeout (no bytes) or idleEventTimeout (no event) while flowing.
            'STREAM.TIMEOUT': [
              {
                description: 'heartbeatTimeout | idleEventTimeout',
                guard: 'resendIsUnsafe',
                target: '#sse.failed',
                actions: ['recordError', 'refuseResend'],
              },
              {
                description: 'heartbeatTimeout | idleEventTimeout',
                guard: 'canRetry',
                target: '#sse.reconnecting',
                actions: 'recordError',
              },
              {
                description: 'heartbeatTimeout | idleEventTimeout',
                target: '#sse.failed',
                actions: ['recordError', 'giveUp'],
              },
            ],
          },
          states: {
            reading: {
              initial: 'flowing',
              states: {
                flowing: {
                  on: {
                    HOLD: { target: 'held' },
                  },
                },
                // The silence is the consumer's, not the server's: the stream pauses its timers too.
                held: {
                  entry: 'holdStream',
                  exit: 'releaseStream',
                  on: {
                    FLOW: { target: 'flowing' },
                  },
                },
              },
            },
            stability: {
              initial: 'settling',
              states: {
                settling: {
                  after: {
                    resetAfter: { target: 'stable', actions: ['resetRetries', 'notifyStable'] },
                  },
                },
                stable: {},
              },
            },
          },
        },
      },
    },
    reconnecting: {
      entry: 'planReconnect',
      on: {
        RETRY: { target: 'active' },
        RECONNECT: { target: 'active' },
      },
      after: {
        reconnectDelay: { target: 'active' },
      },
    },
    failed: {
      on: {
        RETRY: { target: 'active', actions: 'resetRetries' },
        CONNECT: { target: 'active', actions: 'resetRetries' },
        RECONNECT: { target: 'active', actions: 'resetRetries' },
      },
    },
    closed: {
      type: 'final',
    },
  },
});
