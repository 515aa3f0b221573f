/**
 * `createSseClient`: the facade most applications use, over an actor of the connection statechart.
 *
 * The chart owns the lifecycle and the client reports what it decided: one `state` event with its
 * details per change, the chart's own `SseError` (with its `cause`) on `error`, the accepted
 * response on `open`. Events reach listeners on a direct path from the parser (one function call
 * per listener, no transition per event or per chunk).
 *
 * @module
 */
import { type Actor, createActor, type InspectionEvent, type Observer } from 'xstate';
import type { SseMachineContext, sseMachine } from '../machines/connection.machine.js';
import { watchSignal } from './client/abort-signal.js';
import { ConsumptionCursor } from './client/cursor.js';
import { EventQueue } from './client/event-queue.js';
import { describeChange, flattenState, liveError, type SseStateDetails } from './client/lifecycle.js';
import { ListenerRegistry } from './client/listeners.js';
import {
  compileParse,
  type SseEventOf,
  type SseEventTypes,
  type SseParse,
  type SseTypedEvent,
} from './client/typed-events.js';
import type { SseClock } from './clock.js';
import { isSseError, SseError } from './errors.js';
import { MetricsRecorder, type SseMetrics, type SseState } from './metrics.js';
import { type SseOptions, toMachineInput, validateOptions } from './options.js';
import type { SseEvent } from './parser/types.js';
import { redactUrl } from './redact.js';
import type { StreamOptions } from './transport/attempt.js';
import type { HttpTransport } from './transport/http.js';
import { bindStream } from './transport/stream-actor.js';

export type { SseStateDetails } from './client/lifecycle.js';
export type {
  SseDecoder,
  SseEventOf,
  SseEventTypes,
  SseParse,
  SseParseMap,
  SseTypedEvent,
} from './client/typed-events.js';

/** Options of {@link createSseClient}: the connection options plus the facade's own. */
export interface SseClientOptions extends SseOptions {
  /** Connect at once (in a microtask, so listeners added in the same tick see everything). @defaultValue true */
  autoConnect?: boolean;
  /** Deliver only these event types (to listeners and iterators); empty or absent = all. */
  events?: readonly string[];
  /**
   * Passed to XState's `createActor`: a Stately inspector, or a callback receiving inspection events.
   * An inspector that throws is contained: the connection goes on.
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * The clock of every timer of the connection (the chart's waits and the stream's silence timers),
   * passed to XState's `createActor`. Drive time in your own tests with XState's `SimulatedClock`;
   * sockets stay real.
   *
   * @example
   * ```ts
   * import { SimulatedClock } from 'xstate';
   * const clock = new SimulatedClock();
   * const client = createSseClient(url, { clock, heartbeatTimeout: 30_000 });
   * // ... once connected, with the server silent:
   * clock.increment(30_000); // HEARTBEAT_TIMEOUT: the client is reconnecting, no real wait
   * ```
   */
  clock?: SseClock;
}

/**
 * Options of a typed client: {@link SseClientOptions} plus `parse`, which gives every event of the
 * declared types a typed `payload`.
 *
 * @example
 * ```ts
 * const client = createSseClient(url, { parse: { price: PriceSchema, news: NewsSchema } }); // zod, valibot
 * client.on('price', (event) => event.payload.amount); // typed
 * ```
 */
export interface SseTypedClientOptions<E extends SseEventTypes> extends SseClientOptions {
  /**
   * One function of the data for every event (`JSON.parse`), or per event type a function or a
   * Standard Schema validator applied to `JSON.parse(data)`. A failure is an `error` with code
   * `PARSE` (the event is skipped, the stream goes on, the cursor advances).
   */
  parse: SseParse<E>;
}

/** What an `open` listener receives: the accepted response. */
export interface SseOpenInfo {
  /** The final URL after redirects, without query, fragment or credentials. */
  readonly url: string;
  /** HTTP status of the accepted response (200). */
  readonly status: number;
  /** Response headers, lower-case names, without `set-cookie` (read a session id or a rate limit here). */
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
  /** The flattened state changed (or a new attempt began); see {@link SseStateDetails}. */
  state: SseState;
  /** The last event ID that every consumer has taken changed: persist it to resume after a restart. */
  cursor: string;
  /** A comment line (`: keep-alive`), without the colon and one leading space. */
  comment: string;
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

/** The actor behind a client: an actor of the connection machine, typed. */
export type SseActor = Actor<typeof sseMachine>;

/** A connection to one event stream. Create it with {@link createSseClient}. */
export interface SseClient extends AsyncDisposable {
  /**
   * Listen to state changes: `(state, details) => …`, with the attempt, the planned wait and its
   * reason while `reconnecting`, and the failure that caused the change. Returns an unsubscribe
   * function.
   *
   * @example
   * ```ts
   * client.on('state', (state, { delay, error }) => {
   *   if (state === 'reconnecting') badge.textContent = `reconnecting in ${delay} ms (${error?.code ?? 'ended'})`;
   * });
   * ```
   */
  on(type: 'state', listener: (state: SseState, details: SseStateDetails) => void): () => void;
  /** Listen to the client's own events: `open`, `error`, `cursor`, `comment`. Returns an unsubscribe function. */
  on<K extends Exclude<keyof SseClientEventMap, 'state'>>(
    type: K,
    listener: (value: SseClientEventMap[K]) => void,
  ): () => void;
  /**
   * Listen to an SSE event type (`'message'` for events without `event:`). Returns an unsubscribe
   * function. Server events named `open`, `error`, `state`, `cursor` or `comment` arrive as
   * `event:open`, `event:error`, ... so they never reach a listener of the client's own events.
   */
  on(type: string, listener: (event: SseEvent) => void): () => void;
  /**
   * Iterate over events (all, or of the given types) with a bounded buffer. Leaving the loop
   * (`break`, `return`) closes the client; the iteration ends when the client closes and throws the
   * `SseError` when it fails. The cursor advances as `next()` hands events out.
   */
  events(types?: readonly string[], options?: SseIteratorOptions): AsyncIterableIterator<SseEvent>;
  /** Start connecting (from `idle`), or start again (from `failed`). Idempotent. */
  connect(): void;
  /** Close for good: aborts the request, cancels every timer. Idempotent. */
  close(): void;
  /** Skip the current backoff wait, or restart from `failed`. */
  retry(): void;
  /**
   * Drop the live attempt (or skip a wait, or leave `failed`) and connect again at once, resuming
   * from the cursor; counts as a reconnect. A no-op after `close()`.
   */
  reconnect(): void;
  /** The current state. */
  readonly state: SseState;
  /** The id of the last event every consumer has taken (what to persist; see the `cursor` event). */
  readonly lastEventId: string;
  /** Counters and timings. Cheap: call it as often as you like. */
  metrics(): SseMetrics;
  /** The XState actor behind the client: for inspection, `getPersistedSnapshot()`, advanced use. */
  readonly actor: SseActor;
}

/**
 * A client created with `parse`: `E` maps event types to payload types (`{ price: Price }`).
 * Listeners and iterators of those types get {@link SseTypedEvent}s with a typed `payload`; other
 * types are plain events. Assignable to {@link SseClient}.
 *
 * @example
 * ```ts
 * const client = createSseClient(url, { parse: { price: PriceSchema } });
 * client.on('price', (event) => show(event.payload.amount));
 * for await (const event of client.events(['price'])) total += event.payload.amount;
 * ```
 */
export interface SseTypedClient<E extends SseEventTypes> extends SseClient {
  /** Listen to state changes; see {@link SseClient.on}. */
  on(type: 'state', listener: (state: SseState, details: SseStateDetails) => void): () => void;
  /** Listen to the client's own events: `open`, `error`, `cursor`, `comment`. */
  on<K extends Exclude<keyof SseClientEventMap, 'state'>>(
    type: K,
    listener: (value: SseClientEventMap[K]) => void,
  ): () => void;
  /** Listen to an event type of `E`: the event carries its typed `payload`. */
  on<K extends Exclude<keyof E & string, keyof SseClientEventMap>>(
    type: K,
    listener: (event: SseTypedEvent<E[K], K>) => void,
  ): () => void;
  /** Listen to another SSE event type: plain events. */
  on(type: string, listener: (event: SseEvent) => void): () => void;
  /** Iterate over events of types of `E`, typed (a union discriminated by `type`). */
  events<K extends keyof E & string>(
    types: readonly K[],
    options?: SseIteratorOptions,
  ): AsyncIterableIterator<SseEventOf<E, K>>;
  /**
   * Iterate over every event, typed as the union of `E`'s events. Events of types outside `E` come
   * too (without a payload): pass the types to leave them out.
   */
  events(types?: readonly string[], options?: SseIteratorOptions): AsyncIterableIterator<SseEventOf<E>>;
}

/** @internal What a platform entry gives the client: its shared machine and a transport per options. */
export interface ClientPlatform {
  readonly machine: typeof sseMachine;
  transport(options: SseOptions): HttpTransport;
  /** The parser's byte decoder of this platform (Node: `Buffer`); `TextDecoder` when absent. */
  readonly createDecoder?: StreamOptions['createDecoder'];
}

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * The client's own event names. A server event with one of these types would reach listeners
 * expecting an `SseError` or a state, so it is delivered under `event:<type>` instead.
 */
/** @internal */
export const CLIENT_EVENT_NAMES: ReadonlySet<string> = new Set([
  'open',
  'error',
  'state',
  'cursor',
  'comment',
]);

/** An inspector that throws must not take the connection down with it. */
function containInspector(
  inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void),
): (event: InspectionEvent) => void {
  return (event) => {
    try {
      if (typeof inspect === 'function') inspect(event);
      else inspect.next?.(event);
    } catch {
      // The inspector is the app's observer; its failure is not the connection's.
    }
  };
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
  const listeners = new ListenerRegistry();
  const iterators = new Set<EventQueue>();
  const cursor = new ConsumptionCursor(options.lastEventId ?? '', (id) => listeners.emit('cursor', id));
  /** The id of the event its listeners are handling: what `lastEventId` reads inside them. */
  let delivering: string | undefined;
  let closing = false;

  function deliver(event: SseEvent): void {
    if (filter !== undefined && !filter.has(event.type)) {
      cursor.delivered(event.lastEventId, 0);
      return;
    }
    metrics.recordEvent();
    delivering = event.lastEventId;
    listeners.emit(CLIENT_EVENT_NAMES.has(event.type) ? `event:${event.type}` : event.type, event);
    delivering = undefined;
    if (iterators.size === 0) {
      cursor.delivered(event.lastEventId, 0);
      return;
    }
    let holders: EventQueue[] | undefined;
    for (const queue of iterators) {
      if (!(queue.accepts(event) && queue.push(event))) continue;
      if (holders === undefined) holders = [queue];
      else holders.push(queue);
    }
    const ticket = cursor.delivered(event.lastEventId, holders?.length ?? 0);
    if (ticket !== undefined && holders !== undefined) for (const queue of holders) queue.ticket(ticket);
  }

  // Backpressure: while any iterator is full, the chart holds the stream (a state, in the diagram).
  let pausedQueues = 0;
  function onQueuePause(paused: boolean): void {
    pausedQueues += paused ? 1 : -1;
    if (closing) return;
    if (state !== 'connected') return;
    if (paused && pausedQueues === 1) actor.send({ type: 'HOLD' });
    if (!paused && pausedQueues === 0) actor.send({ type: 'FLOW' });
  }

  // Typed events: a step before delivery, only when `parse` is given (the untyped path is untouched).
  const decode = compileParse((options as { parse?: unknown }).parse, () => ({
    url: redactUrl(resolved),
    attempt: context.attempt,
  }));
  function deliverParsed(event: SseEvent): void {
    if (filter !== undefined && !filter.has(event.type)) {
      cursor.delivered(event.lastEventId, 0);
      return;
    }
    const parsed = (decode as NonNullable<typeof decode>)(event);
    if (parsed instanceof SseError) {
      // The server sent it and the stream goes on: the cursor moves past it.
      listeners.emit('error', parsed);
      cursor.delivered(event.lastEventId, 0);
      return;
    }
    deliver(parsed);
  }

  const stream: StreamOptions = {
    // The chart keeps the URL without its query; the request, with its secrets, stays here.
    url: resolved.href,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.shouldReconnect === undefined ? {} : { shouldReconnect: options.shouldReconnect }),
    onEvent: decode === undefined ? deliver : deliverParsed,
    onCursor: (id) => cursor.delivered(id, 0),
    onComment: (text) => listeners.emit('comment', text),
    onChunk: (bytes) => metrics.recordBytes(bytes),
    ...(platform.createDecoder === undefined ? {} : { createDecoder: platform.createDecoder }),
  };

  const actor: SseActor = createActor(platform.machine, {
    input: toMachineInput(resolved, options),
    ...(options.inspect === undefined ? {} : { inspect: containInspector(options.inspect) }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  bindStream(actor.system, { transport: platform.transport(options), options: stream });

  let state: SseState = 'idle';
  let context: SseMachineContext = actor.getSnapshot().context;
  actor.subscribe({
    next(snapshot) {
      const next = snapshot.context;
      const nextState = flattenState(snapshot.value);
      const previous = context;
      const previousState = state;
      context = next;
      const changed = nextState !== state || next.attempt !== previous.attempt;
      if (changed) {
        state = nextState;
        metrics.recordState(nextState, next.attempt);
        // A consumer still holding from the last attempt holds the new stream before its first chunk.
        if (nextState === 'connected' && pausedQueues > 0) actor.send({ type: 'HOLD' });
      }
      const failure = next.lastError !== previous.lastError ? liveError(next.lastError) : undefined;
      // Listeners may call connect/close/retry, which re-enters this function with a newer
      // snapshot: stop reporting this one as soon as it is stale.
      const stale = (): boolean => context !== next;
      if (changed)
        listeners.emit('state', nextState, describeChange(nextState, previousState, next, failure));
      if (failure !== undefined && !stale()) {
        // A failure that exhausts the budget is two facts: the attempt's own failure, then the
        // decision to stop (RECONNECT_EXHAUSTED, or NOT_RESUMABLE for an accepted POST, carrying
        // it as `cause`). Report both, in order.
        const cause = failure.cause;
        if (
          (failure.code === 'RECONNECT_EXHAUSTED' || failure.code === 'NOT_RESUMABLE') &&
          isSseError(cause) &&
          cause !== previous.lastError
        ) {
          listeners.emit('error', cause);
        }
        if (!stale()) listeners.emit('error', failure);
      }
      if (changed && nextState === 'connected' && next.response !== undefined && !stale()) {
        const { status, url: finalUrl, headers } = next.response;
        listeners.emit('open', {
          url: finalUrl,
          status,
          headers,
          attempt: next.attempt,
        } satisfies SseOpenInfo);
      }
      if (changed && (nextState === 'closed' || nextState === 'failed')) finishIterators(nextState);
      if (changed && nextState === 'closed') detachSignal();
    },
    error() {
      // The machine's own actions do not throw; nothing to report beyond the state.
    },
  });
  actor.start();

  function finishIterators(final: 'closed' | 'failed'): void {
    const error = final === 'failed' ? liveError(context.lastError) : undefined;
    for (const queue of iterators) queue.finish(error);
  }

  let detachSignal = (): void => undefined;

  const client = {
    on(type: string, listener: (value: never, details: never) => void): () => void {
      return listeners.add(type, listener);
    },
    events(types?: readonly string[], iteratorOptions: SseIteratorOptions = {}): EventQueue {
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
        (ticket) => cursor.taken(ticket),
      );
      if (state === 'closed' || state === 'failed') {
        queue.finish(state === 'failed' ? liveError(context.lastError) : undefined);
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
      detachSignal();
    },
    retry() {
      if (state === 'reconnecting' || state === 'failed') actor.send({ type: 'RETRY' });
    },
    reconnect() {
      if (!closing && actor.getSnapshot().status === 'active') actor.send({ type: 'RECONNECT' });
    },
    get state() {
      return state;
    },
    get lastEventId() {
      return delivering ?? cursor.value;
    },
    metrics() {
      return metrics.snapshot(context.attempt, cursor.value, liveError(context.lastError)?.toJSON());
    },
    actor,
    [asyncDispose]() {
      client.close();
      return Promise.resolve();
    },
  };

  if (options.signal !== undefined) {
    if (options.signal.aborted) client.close();
    else detachSignal = watchSignal(options.signal, () => client.close());
  }
  if (options.autoConnect !== false && !closing) {
    queueMicrotask(() => {
      if (!closing) client.connect();
    });
  }
  // The typed overloads of `events()` describe what `parse` put in the events; the queue is generic.
  return client as unknown as SseClient;
}
