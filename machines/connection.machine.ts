/**
 * The sse-machine connection statechart.
 *
 * ```
 * idle ──CONNECT──▶ active ─────────────────────────────────────────────┐
 *                   │ invoke stream (one HTTP request per attempt)      │ STREAM.ERROR [isFatal] ─▶ failed
 *                   │ connecting ──STREAM.OPEN──▶ connected             │ STREAM.ERROR|END [canRetry] ─▶ reconnecting
 *                   │   after(connectTimeout)      ├ heartbeat.live     │ STREAM.END [endIsFinal] ─▶ closed
 *                   │                              ├ eventFlow.waiting  │
 *                   │                              └ stability.settling ─after(resetAfter)─▶ stable
 * reconnecting ─after(reconnectDelay) | RETRY─▶ active
 * failed ─RETRY | CONNECT─▶ active          * ─CLOSE─▶ closed (final)
 * ```
 *
 * This file is the chart only: literal config that Stately's tools read statically, pure
 * implementations of guards, delays and actions, and a placeholder `stream` actor. The real
 * transports are provided in `src/` with `sseMachine.provide({ actors: { stream } })`.
 *
 * @module
 */
import { assign, enqueueActions, fromCallback, setup } from 'xstate';
import {
  computeReconnectDelay,
  DEFAULT_RECONNECT_POLICY,
  MAX_DELAY,
  type ReconnectPolicy,
} from '../src/backoff.js';
import type { SerializedSseError, SseErrorCode } from '../src/errors.js';
import type { SseEvent } from '../src/parser/types.js';
import type { StreamEvent, StreamInput } from '../src/transport/types.js';

/**
 * When a stream that ended cleanly is reconnected: `'always'`, `'never'` (the machine goes to
 * `closed`), or `'if-resumable'` (only when a `Last-Event-ID` lets the server resume).
 */
export type ReconnectOnEnd = 'always' | 'never' | 'if-resumable';

/** Input of {@link sseMachine}: plain data only, so a snapshot stays JSON. */
export interface SseMachineInput {
  /** Absolute URL of the event stream. */
  url: string;
  /** HTTP method. @defaultValue `'GET'` */
  method?: string | undefined;
  /** Static request headers (functions of the attempt live in the transport, not here). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Request body, re-sent on every attempt. */
  body?: string | undefined;
  /** Seed for the cursor, sent as `Last-Event-ID` on the first request. */
  lastEventId?: string | undefined;
  /** Overrides of {@link DEFAULT_RECONNECT_POLICY}; `null` limits mean unlimited (JSON has no `Infinity`). */
  reconnect?: Partial<ReconnectPolicy> | undefined;
  /** Whether a cleanly ended stream is reconnected. @defaultValue `'always'` */
  reconnectOnEnd?: ReconnectOnEnd | undefined;
  /** No bytes for this long (ms) drops and reconnects; 0 disables. @defaultValue {@link DEFAULT_HEARTBEAT_TIMEOUT} */
  heartbeatTimeout?: number | undefined;
  /** No dispatched event for this long (ms) drops and reconnects; 0 disables. @defaultValue {@link DEFAULT_IDLE_EVENT_TIMEOUT} */
  idleEventTimeout?: number | undefined;
  /** No response headers for this long (ms) fails the attempt; 0 disables. @defaultValue {@link DEFAULT_CONNECT_TIMEOUT} */
  connectTimeout?: number | undefined;
  /** Largest line or event in bytes before `EVENT_TOO_LARGE`. @defaultValue 16 MiB */
  maxEventSize?: number | undefined;
}

/** Context of {@link sseMachine}. JSON-serializable: no sockets, bodies or parsers live here. */
export interface SseMachineContext {
  /** Absolute URL of the event stream. */
  readonly url: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Static request headers sent on every attempt. */
  readonly headers: Readonly<Record<string, string>>;
  /** Request body sent on every attempt, if any. */
  readonly body: string | undefined;
  /** The complete reconnection policy: the input merged over {@link DEFAULT_RECONNECT_POLICY}. */
  readonly reconnect: ReconnectPolicy;
  /** Whether a cleanly ended stream is reconnected. */
  readonly reconnectOnEnd: ReconnectOnEnd;
  /** Heartbeat timer (ms) of `connected`; 0 disables it. */
  readonly heartbeatTimeout: number;
  /** Idle-event timer (ms) of `connected`; 0 disables it. */
  readonly idleEventTimeout: number;
  /** Timer (ms) of `connecting`; 0 disables it. */
  readonly connectTimeout: number;
  /** Largest line or event in bytes, handed to the stream actor's parser. */
  readonly maxEventSize: number;
  /** The cursor: last event ID committed by a dispatched (or id-only) block. */
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
  /** The last failure, serialized so the snapshot stays JSON. */
  readonly lastError: SerializedSseError | undefined;
}

/**
 * Events {@link sseMachine} accepts: `CONNECT` (from `idle` or `failed`), `RETRY` (skip the
 * backoff wait, or leave `failed`), `CLOSE` (from anywhere, final), and the stream actor's
 * {@link StreamEvent}s.
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
      /** Close for good: the machine reaches its final `closed` state. */
      type: 'CLOSE';
    }
  | StreamEvent;

/** Events {@link sseMachine} emits (`actor.on('sse.event', ...)`) when the stream has no direct sink. */
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
export const DEFAULT_MACHINE_MAX_EVENT_SIZE = 16 * 1024 * 1024;

/** Timers that `0` disables. */
type TimerName = 'connectTimeout' | 'heartbeatTimeout' | 'idleEventTimeout';

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
    heartbeatTimeout: input.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT,
    idleEventTimeout: input.idleEventTimeout ?? DEFAULT_IDLE_EVENT_TIMEOUT,
    connectTimeout: input.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    maxEventSize: input.maxEventSize ?? DEFAULT_MACHINE_MAX_EVENT_SIZE,
    lastEventId: input.lastEventId ?? '',
    serverRetry: undefined,
    retryAfter: undefined,
    chosenDelay: undefined,
    attempt: 0,
    retries: 0,
    waited: 0,
    nextDelay: 0,
    lastError: undefined,
  };
}

const TIMEOUT_MESSAGES: Record<TimerName, [SseErrorCode, string]> = {
  connectTimeout: ['CONNECT_TIMEOUT', 'no response headers within connectTimeout'],
  heartbeatTimeout: ['HEARTBEAT_TIMEOUT', 'no bytes received within heartbeatTimeout'],
  idleEventTimeout: ['IDLE_EVENT_TIMEOUT', 'no event dispatched within idleEventTimeout'],
};

/** The stream actor of the pure chart: does nothing. `src/` provides the real one. */
const placeholderStream = fromCallback<StreamEvent, StreamInput>(() => undefined);

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
  // Capped at MAX_DELAY: a longer timer would fire at once. The client rejects such options; a
  // machine created directly gets a timer that is effectively "never" instead.
  delays: {
    connectTimeout: ({ context }) => Math.min(context.connectTimeout, MAX_DELAY),
    heartbeatTimeout: ({ context }) => Math.min(context.heartbeatTimeout, MAX_DELAY),
    idleEventTimeout: ({ context }) => Math.min(context.idleEventTimeout, MAX_DELAY),
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
    endIsFinal: ({ context }) =>
      context.reconnectOnEnd === 'never' ||
      (context.reconnectOnEnd === 'if-resumable' && context.lastEventId === ''),
    timerDisabled: ({ context }, params: { timer: TimerName }) => context[params.timer] === 0,
    hasEvents: ({ event }) =>
      event.type === 'STREAM.PROGRESS' && (event.dispatched > 0 || event.held === true),
  },
  actions: {
    startAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    recordProgress: assign(({ context, event }) => {
      if (event.type !== 'STREAM.PROGRESS') return {};
      return {
        lastEventId: event.lastEventId ?? context.lastEventId,
        serverRetry: event.retry ?? context.serverRetry,
      };
    }),
    // Only the plain-machine path carries payloads here; the client's fast path bypasses the chart.
    emitEvents: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'STREAM.PROGRESS' || event.events === undefined) return;
      for (const sseEvent of event.events) enqueue.emit({ type: 'sse.event', event: sseEvent });
    }),
    recordError: assign(({ event }) => {
      if (event.type !== 'STREAM.ERROR') return {};
      return { lastError: event.error, retryAfter: event.error.retryAfter, chosenDelay: event.delay };
    }),
    recordTimeout: assign(({ context }, params: { timer: TimerName }) => {
      const [code, message] = TIMEOUT_MESSAGES[params.timer];
      return {
        lastError: {
          name: 'SseError',
          code,
          message: `${message} (${context[params.timer]} ms)`,
          url: context.url,
          attempt: context.attempt,
        } satisfies SerializedSseError,
        retryAfter: undefined,
        chosenDelay: undefined,
      };
    }),
    giveUp: assign(({ context }) => ({
      lastError: {
        name: 'SseError',
        code: 'RECONNECT_EXHAUSTED',
        message: 'gave up reconnecting: the reconnect policy allows no further attempt',
        url: context.url,
        attempt: context.attempt,
        ...(context.lastError === undefined
          ? {}
          : { cause: `${context.lastError.code}: ${context.lastError.message}` }),
      } satisfies SerializedSseError,
    })),
    planReconnect: assign(({ context }) => {
      const retries = context.retries + 1;
      const nextDelay = Math.min(
        context.chosenDelay ?? computeReconnectDelay(context.reconnect, retries, context),
        MAX_DELAY,
      );
      return {
        retries,
        nextDelay,
        waited: context.waited + nextDelay,
        retryAfter: undefined,
        chosenDelay: undefined,
      };
    }),
    // A Retry-After from the failure that ended in `failed` must not hold back a manual restart.
    resetRetries: assign({ retries: 0, waited: 0, retryAfter: undefined, chosenDelay: undefined }),
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
        }),
      },
      initial: 'connecting',
      on: {
        'STREAM.ERROR': [
          { guard: 'isFatal', target: 'failed', actions: 'recordError' },
          { guard: 'canRetry', target: 'reconnecting', actions: 'recordError' },
          { target: 'failed', actions: ['recordError', 'giveUp'] },
        ],
        'STREAM.END': [
          { guard: 'endIsFinal', target: 'closed' },
          { guard: 'canRetry', target: 'reconnecting' },
          { target: 'failed', actions: 'giveUp' },
        ],
      },
      states: {
        connecting: {
          on: {
            'STREAM.OPEN': { target: 'connected' },
          },
          after: {
            connectTimeout: [
              { guard: { type: 'timerDisabled', params: { timer: 'connectTimeout' } } },
              {
                guard: 'canRetry',
                target: '#sse.reconnecting',
                actions: { type: 'recordTimeout', params: { timer: 'connectTimeout' } },
              },
              {
                target: '#sse.failed',
                actions: [{ type: 'recordTimeout', params: { timer: 'connectTimeout' } }, 'giveUp'],
              },
            ],
          },
        },
        connected: {
          type: 'parallel',
          states: {
            heartbeat: {
              initial: 'live',
              states: {
                live: {
                  on: {
                    // Re-entering the child restarts the heartbeat timer; the invoke on `active` survives.
                    'STREAM.PROGRESS': {
                      target: 'live',
                      reenter: true,
                      actions: ['recordProgress', 'emitEvents'],
                    },
                  },
                  after: {
                    heartbeatTimeout: [
                      { guard: { type: 'timerDisabled', params: { timer: 'heartbeatTimeout' } } },
                      {
                        guard: 'canRetry',
                        target: '#sse.reconnecting',
                        actions: { type: 'recordTimeout', params: { timer: 'heartbeatTimeout' } },
                      },
                      {
                        target: '#sse.failed',
                        actions: [{ type: 'recordTimeout', params: { timer: 'heartbeatTimeout' } }, 'giveUp'],
                      },
                    ],
                  },
                },
              },
            },
            eventFlow: {
              initial: 'waiting',
              states: {
                waiting: {
                  on: {
                    'STREAM.PROGRESS': { guard: 'hasEvents', target: 'waiting', reenter: true },
                  },
                  after: {
                    idleEventTimeout: [
                      { guard: { type: 'timerDisabled', params: { timer: 'idleEventTimeout' } } },
                      {
                        guard: 'canRetry',
                        target: '#sse.reconnecting',
                        actions: { type: 'recordTimeout', params: { timer: 'idleEventTimeout' } },
                      },
                      {
                        target: '#sse.failed',
                        actions: [{ type: 'recordTimeout', params: { timer: 'idleEventTimeout' } }, 'giveUp'],
                      },
                    ],
                  },
                },
              },
            },
            stability: {
              initial: 'settling',
              states: {
                settling: {
                  after: {
                    resetAfter: { target: 'stable', actions: 'resetRetries' },
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
      },
      after: {
        reconnectDelay: { target: 'active' },
      },
    },
    failed: {
      on: {
        RETRY: { target: 'active', actions: 'resetRetries' },
        CONNECT: { target: 'active', actions: 'resetRetries' },
      },
    },
    closed: {
      type: 'final',
    },
  },
});
