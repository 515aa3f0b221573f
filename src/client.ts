/**
 * `createSseClient`: the facade most applications use, over an actor of the connection statechart.
 *
 * The machine owns the lifecycle; events reach listeners on a direct path from the parser (one
 * function call per listener, no transition per event). Every user callback is wrapped: an
 * exception becomes an `error` with code `LISTENER` and never reaches the host.
 *
 * @module
 */
import {
  type Actor,
  type ActorOptions,
  type AnyActorLogic,
  createActor,
  type InspectionEvent,
  type Observer,
} from 'xstate';
import type { SseMachineContext } from '../machines/connection.machine.js';
import type { SerializedSseError } from './errors.js';
import { SseError } from './errors.js';
import { EventQueue } from './event-queue.js';
import { MetricsRecorder, type SseMetrics, type SseState } from './metrics.js';
import { type SseOptions, toMachineInput, validateOptions } from './options.js';
import type { SseEvent } from './parser/types.js';
import { bindStream } from './transport/create-stream-logic.js';
import type { HttpTransport, StreamOpenEvent, StreamOptions } from './transport/types.js';

/** Options of {@link createSseClient}: the connection options plus the facade's own. */
export interface SseClientOptions extends SseOptions {
  /** Connect at once (in a microtask, so listeners added in the same tick see everything). @defaultValue true */
  autoConnect?: boolean;
  /** Deliver only these event types (to listeners and iterators); empty or absent = all. */
  events?: readonly string[];
  /** Passed to XState's `createActor`: a Stately inspector, or a callback receiving inspection events. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Passed to XState's `createActor`: the clock of every client timer (`connectTimeout`,
   * `heartbeatTimeout`, `idleEventTimeout`, the reconnect wait, `resetAfter`). Drive time in your
   * own tests with XState's `SimulatedClock`; sockets stay on real time. @defaultValue the host's
   * `setTimeout`/`clearTimeout`
   *
   * @example
   * ```ts
   * import { SimulatedClock } from 'xstate';
   * const clock = new SimulatedClock();
   * const client = createSseClient(url, { clock, heartbeatTimeout: 30_000 });
   * // ... once connected, with the server silent:
   * clock.increment(30_000); // the heartbeat fires now: HEARTBEAT_TIMEOUT, then reconnecting
   * ```
   * @see https://stately.ai/docs/delayed-transitions
   */
  clock?: NonNullable<ActorOptions<AnyActorLogic>['clock']>;
}

/** What an `open` listener receives: the accepted response. */
export interface SseOpenInfo {
  /** The final URL, after redirects. */
  readonly url: string;
  /** HTTP status of the accepted response (200). */
  readonly status: number;
  /** Response headers, lower-case names (read a session id or a rate limit here). */
  readonly headers: Readonly<Record<string, string>>;
  /** The attempt that connected (1 for the first; higher after reconnects). */
  readonly attempt: number;
}

/** Payloads of the client's own events. */
export interface SseClientEventMap {
  /** The stream is connected (after every successful (re)connection). */
  open: SseOpenInfo;
  /** A failure: of an attempt, of a timer, of the reconnect budget, or of a listener (`LISTENER`). */
  error: SseError;
  /** The flattened state changed. */
  state: SseState;
  /** The last event ID changed (persist it to resume after a restart). */
  cursor: string;
}

/** Options of {@link SseClient.events}. */
export interface SseIteratorOptions {
  /** Events buffered before the overflow policy applies. @defaultValue 1024 */
  bufferSize?: number;
  /**
   * `'pause'` stops reading the socket until the consumer catches up (TCP pushes back on the
   * server); `'error'` ends the iteration with `BUFFER_OVERFLOW`. @defaultValue `'pause'`
   */
  overflow?: 'pause' | 'error';
}

/** A connection to one event stream. Create it with {@link createSseClient}. */
export interface SseClient extends AsyncDisposable {
  /** Listen to the client's own events: `open`, `error`, `state`, `cursor`. Returns an unsubscribe function. */
  on<K extends keyof SseClientEventMap>(type: K, listener: (value: SseClientEventMap[K]) => void): () => void;
  /**
   * Listen to an SSE event type (`'message'` for events without `event:`). Returns an unsubscribe
   * function. Server events named `open`, `error`, `state` or `cursor` arrive as `event:open`,
   * `event:error`, ... so they never reach a listener of the client's own events.
   */
  on(type: string, listener: (event: SseEvent) => void): () => void;
  /**
   * Iterate over events (all, or of the given types) with a bounded buffer. Leaving the loop
   * (`break`, `return`) closes the client; the iteration ends when the client closes and throws the
   * `SseError` when it fails.
   */
  events(types?: readonly string[], options?: SseIteratorOptions): AsyncIterableIterator<SseEvent>;
  /** Start connecting (from `idle`), or start again (from `failed`). Idempotent. */
  connect(): void;
  /** Close for good: aborts the request, cancels every timer. Idempotent. */
  close(): void;
  /** Skip the current backoff wait, or restart from `failed`. */
  retry(): void;
  /** The current state. */
  readonly state: SseState;
  /** The last event ID seen (sent as `Last-Event-ID` on reconnection). */
  readonly lastEventId: string;
  /** Counters and timings. Cheap: call it as often as you like. */
  metrics(): SseMetrics;
  /** The XState actor behind the client: for inspection, `getPersistedSnapshot()`, advanced use. */
  readonly actor: Actor<AnyActorLogic>;
}

/** @internal What a platform entry gives the client: its shared machine and a transport per options. */
export interface ClientPlatform {
  readonly machine: AnyActorLogic;
  transport(options: SseOptions): HttpTransport;
}

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

type AnyListener = (value: never) => void;

/**
 * The client's own event names. A server event with one of these types would reach listeners
 * expecting an `SseError` or a state, so it is delivered under `event:<type>` instead.
 */
/** @internal */
export const CLIENT_EVENT_NAMES: ReadonlySet<string> = new Set(['open', 'error', 'state', 'cursor']);

/** The flattened state of a snapshot of the connection machine. */
export function flattenState(value: unknown): SseState {
  if (typeof value === 'string') return value as SseState;
  const active = (value as { active?: unknown }).active;
  return active === 'connecting' ? 'connecting' : 'connected';
}

/** @internal The implementation behind both entries (Node: undici; browsers: fetch). */
export function createClient(
  url: string | URL,
  options: SseClientOptions,
  platform: ClientPlatform,
): SseClient {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const resolved = validateOptions(url, options, base);
  if (options.events !== undefined && !Array.isArray(options.events)) {
    throw new TypeError('sse-machine: events must be an array of event type names');
  }
  const filter =
    options.events === undefined || options.events.length === 0 ? undefined : new Set(options.events);
  const metrics = new MetricsRecorder();
  let listeners = new Map<string, readonly AnyListener[]>();
  const iterators = new Set<EventQueue>();
  let pausedQueues = 0;
  let resumeReading: (() => void) | undefined;
  let resumePromise: Promise<void> | undefined;
  let lastOpen: StreamOpenEvent | undefined;
  let lastLiveError: SseError | undefined;
  /** An attempt's failure not reported yet: the machine may replace it (RECONNECT_EXHAUSTED) in the same step. */
  let pendingLiveError: SseError | undefined;
  let closing = false;

  function call(listener: AnyListener, value: unknown, isErrorListener: boolean): void {
    try {
      (listener as (value: unknown) => void)(value);
    } catch (cause) {
      // A throwing error listener is swallowed: reporting it would loop.
      if (!isErrorListener) {
        emit(
          'error',
          new SseError('LISTENER', `a listener threw: ${String((cause as Error)?.message ?? cause)}`, {
            cause,
          }),
        );
      }
    }
  }

  function emit(type: string, value: unknown): void {
    const list = listeners.get(type);
    if (list === undefined) return;
    for (const listener of list) call(listener, value, type === 'error');
  }

  function deliver(event: SseEvent): void {
    // The cursor a listener reads is the id of the event it is handling; the machine catches up
    // at the end of the chunk.
    liveLastEventId = event.lastEventId;
    if (filter !== undefined && !filter.has(event.type)) return;
    metrics.recordEvent();
    const list = listeners.get(CLIENT_EVENT_NAMES.has(event.type) ? `event:${event.type}` : event.type);
    if (list !== undefined) for (const listener of list) call(listener, event, false);
    if (iterators.size > 0) for (const queue of iterators) queue.push(event);
  }

  const stream: StreamOptions = {
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.body === undefined || typeof options.body === 'string' ? {} : { body: options.body }),
    ...(options.shouldReconnect === undefined ? {} : { shouldReconnect: options.shouldReconnect }),
    onEvent: deliver,
    onChunk: (bytes) => metrics.recordBytes(bytes),
    onError: (error) => {
      lastLiveError = error;
      pendingLiveError = error;
    },
    onOpen: (event) => {
      lastOpen = event;
    },
    beforeNextChunk: () => {
      if (pausedQueues === 0) return undefined;
      resumePromise ??= new Promise<void>((resolve) => {
        resumeReading = resolve;
      });
      return resumePromise;
    },
  };

  // While a consumer holds reading back, the silence is ours, not the server's: keep the machine's
  // heartbeat and idle-event timers from declaring a live connection dead (a zero-byte, `held`
  // progress every half of the shorter enabled period).
  // On the actor's clock (the `clock` option), like the timers it holds off.
  let pauseKeepAlive: unknown;
  function onQueuePause(paused: boolean): void {
    pausedQueues += paused ? 1 : -1;
    const periods = [context.heartbeatTimeout, context.idleEventTimeout].filter((ms) => ms > 0);
    if (pausedQueues > 0 && pauseKeepAlive === undefined && periods.length > 0) {
      const held = { type: 'STREAM.PROGRESS', bytes: 0, dispatched: 0, held: true } as const;
      const period = Math.max(1, Math.floor(Math.min(...periods) / 2));
      const tick = (): void => {
        pauseKeepAlive = actor.clock.setTimeout(tick, period);
        if (state === 'connected') actor.send({ ...held, attempt: context.attempt });
      };
      pauseKeepAlive = actor.clock.setTimeout(tick, period);
    }
    if (pausedQueues === 0) {
      if (pauseKeepAlive !== undefined) actor.clock.clearTimeout(pauseKeepAlive);
      pauseKeepAlive = undefined;
      if (resumeReading !== undefined) {
        const resume = resumeReading;
        resumeReading = undefined;
        resumePromise = undefined;
        resume();
      }
    }
  }

  const actor = createActor(platform.machine, {
    input: toMachineInput(resolved, options),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  }) as Actor<AnyActorLogic>;
  bindStream(actor.system, { transport: platform.transport(options), options: stream });

  let state: SseState = 'idle';
  let context = actor.getSnapshot().context as SseMachineContext;
  let lastError: SerializedSseError | undefined;
  let liveLastEventId = context.lastEventId;
  actor.subscribe({
    next(snapshot) {
      const next = snapshot.context as SseMachineContext;
      const nextState = flattenState(snapshot.value);
      const previous = context;
      context = next;
      liveLastEventId = next.lastEventId;
      const stateChanged = nextState !== state;
      if (stateChanged) {
        state = nextState;
        metrics.recordState(nextState, next.attempt);
      }
      // Listeners may call connect/close/retry, which re-enters this function with a newer
      // snapshot: stop reporting this one as soon as it is stale.
      const stale = (): boolean => context !== next;
      if (next.lastEventId !== previous.lastEventId) emit('cursor', next.lastEventId);
      if (stateChanged && !stale()) emit('state', nextState);
      if (pendingLiveError !== undefined && !stale()) {
        const error = pendingLiveError;
        pendingLiveError = undefined;
        if (next.lastError !== undefined && matches(error, next.lastError)) lastError = next.lastError;
        emit('error', error);
      }
      if (next.lastError !== lastError && next.lastError !== undefined && !stale()) {
        lastError = next.lastError;
        emit('error', liveError(next.lastError));
      }
      if (stateChanged && nextState === 'connected' && lastOpen !== undefined && !stale()) {
        emit('open', {
          url: lastOpen.url,
          status: lastOpen.status,
          headers: lastOpen.headers,
          attempt: lastOpen.attempt,
        } satisfies SseOpenInfo);
      }
      if (stateChanged && (nextState === 'closed' || nextState === 'failed')) finishIterators(nextState);
      if (stateChanged && nextState === 'closed') detachSignal();
    },
    error() {
      // The machine's own actions do not throw; nothing to report beyond the state.
    },
  });
  actor.start();

  function matches(live: SseError, serialized: SerializedSseError): boolean {
    return (
      live.code === serialized.code &&
      live.message === serialized.message &&
      live.attempt === serialized.attempt
    );
  }

  function liveError(serialized: SerializedSseError): SseError {
    const live = lastLiveError;
    return live !== undefined && matches(live, serialized) ? live : SseError.from(serialized);
  }

  function finishIterators(final: 'closed' | 'failed'): void {
    for (const queue of iterators) {
      queue.finish(final === 'failed' && lastError !== undefined ? liveError(lastError) : undefined);
    }
  }

  const onAbort = (): void => client.close();
  function detachSignal(): void {
    options.signal?.removeEventListener('abort', onAbort);
  }

  const client: SseClient = {
    on(type: string, listener: AnyListener): () => void {
      if (typeof listener !== 'function') throw new TypeError('sse-machine: a listener must be a function');
      const next = new Map(listeners);
      next.set(type, [...(listeners.get(type) ?? []), listener]);
      listeners = next;
      return () => {
        const list = listeners.get(type);
        if (list === undefined || !list.includes(listener)) return;
        const without = new Map(listeners);
        const remaining = list.filter((candidate) => candidate !== listener);
        if (remaining.length === 0) without.delete(type);
        else without.set(type, remaining);
        listeners = without;
      };
    },
    events(types, iteratorOptions = {}) {
      const bufferSize = iteratorOptions.bufferSize ?? 1024;
      if (!(Number.isInteger(bufferSize) && bufferSize > 0)) {
        throw new TypeError(
          `sse-machine: bufferSize must be a positive whole number, got ${String(bufferSize)}`,
        );
      }
      const queue = new EventQueue(
        types === undefined || types.length === 0 ? undefined : new Set(types),
        bufferSize,
        iteratorOptions.overflow ?? 'pause',
        onQueuePause,
        () => {
          iterators.delete(queue);
          client.close();
        },
      );
      if (state === 'closed' || state === 'failed') {
        queue.finish(state === 'failed' && lastError !== undefined ? liveError(lastError) : undefined);
      } else {
        iterators.add(queue);
      }
      return queue;
    },
    connect() {
      if (state === 'idle' || state === 'failed') actor.send({ type: 'CONNECT' });
    },
    close() {
      if (closing) return;
      closing = true;
      // After a final state (the server ended a 'never' stream) the actor is done; sending to it
      // would make XState print a warning, and the library never prints.
      if (actor.getSnapshot().status === 'active') actor.send({ type: 'CLOSE' });
      // Called from a listener (an `open` or `state` listener) the actor is still handling the
      // previous event, so CLOSE is only queued: stopping now would drop it and the state would never
      // read 'closed'. The final state stops the actor and its stream once CLOSE is handled.
      if (actor.getSnapshot().status !== 'active' || flattenState(actor.getSnapshot().value) === 'closed') {
        actor.stop();
      }
      // Readers paused on a full iterator must not hold the attempt open.
      resumeReading?.();
      if (pauseKeepAlive !== undefined) actor.clock.clearTimeout(pauseKeepAlive);
      pauseKeepAlive = undefined;
      detachSignal();
    },
    retry() {
      if (state === 'reconnecting' || state === 'failed') actor.send({ type: 'RETRY' });
    },
    get state() {
      return state;
    },
    get lastEventId() {
      return liveLastEventId;
    },
    metrics() {
      return metrics.snapshot(context.attempt, context.lastEventId, context.lastError);
    },
    actor,
    [asyncDispose]() {
      client.close();
      return Promise.resolve();
    },
  };

  if (options.signal !== undefined) {
    if (options.signal.aborted) client.close();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  }
  if (options.autoConnect !== false && !closing) {
    queueMicrotask(() => {
      if (!closing) client.connect();
    });
  }
  return client;
}
