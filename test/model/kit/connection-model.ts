/**
 * Our own model suite's kit (not published; users get `generateConnectionTests`). A test model of
 * the connection statechart: which events each state accepts in a scenario, the
 * paths `xstate/graph` derives from them, and the serialization that keys paths by transition.
 *
 * The events are the model's vocabulary; {@link runModelPath} turns each into a real action on a
 * loopback server (or on the actor, or on the simulated clock).
 *
 * @module
 */
import type { SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import {
  type SseMachineEvent,
  type SseMachineInput,
  sseMachine,
} from '../../../machines/connection.machine.js';
import { SseError, type SseErrorCode } from '../../../src/errors.js';
import { SILENCE_TIMER_CODES } from '../../../src/transport/stream-protocol.js';

/** A snapshot of the connection machine. */
export type ModelSnapshot = SnapshotFrom<typeof sseMachine>;
/** One path of the model: the steps from `idle` and the state they reach. */
export type ModelPath = StatePath<ModelSnapshot, SseMachineEvent>;
/** The timers of a connection: the chart's named delays and the stream actor's silence timers. */
export type ModelDelay =
  | 'connectTimeout'
  | 'heartbeatTimeout'
  | 'idleEventTimeout'
  | 'resetAfter'
  | 'reconnectDelay';

/** The stream actor's silence timers: they reach the chart as `STREAM.TIMEOUT`. */
export type ModelStreamTimer = 'connectTimeout' | 'heartbeatTimeout' | 'idleEventTimeout';

/**
 * A configuration of the machine plus the timers the model may fire in it. Timers fire in due
 * order on a real clock, so a scenario offers only timers that are due first whenever they are
 * offered: at most one per state, the others set longer (or not reached in that state).
 */
export interface ModelScenario {
  /** Shown in test names and in divergence messages. */
  readonly name: string;
  /** Machine input besides `url`; keep `reconnect.maxAttempts` small, the traversal must be finite. */
  readonly input: Omit<SseMachineInput, 'url'>;
  /** Delayed transitions the model takes (the others never fire while the path runs). */
  readonly timers: readonly ModelDelay[];
}

/**
 * The last event ID model events write (one value keeps the state space finite).
 *
 * @example
 * ```ts
 * // After a path that dispatched an event, a reconnect must resume from it.
 * expect(request.headers['last-event-id']).toBe(MODEL_EVENT_ID);
 * ```
 */
export const MODEL_EVENT_ID = '7';

const error = (code: SseErrorCode, retryable: boolean): SseMachineEvent => ({
  type: 'STREAM.ERROR',
  retryable,
  error: new SseError(code, `model ${code}`, { url: 'model:', attempt: 0 }),
});

const timeout = (timer: ModelStreamTimer): SseMachineEvent => ({
  type: 'STREAM.TIMEOUT',
  timer,
  error: new SseError(SILENCE_TIMER_CODES[timer], `model ${timer}`, { url: 'model:', attempt: 0 }),
});

/**
 * What a connection can really do next, per state. `attempt` is 0: the chart does not read it, and
 * the executor's real events carry the real one.
 *
 * @example
 * ```ts
 * const snapshot = createActor(sseMachine, { input: { url: 'http://model.test/' } }).getSnapshot();
 * modelEvents(snapshot).map(eventKey); // ['CLOSE', 'CONNECT'] in idle
 * ```
 */
export function modelEvents(snapshot: ModelSnapshot): SseMachineEvent[] {
  const events: SseMachineEvent[] = [{ type: 'CLOSE' }];
  if (snapshot.matches('idle')) events.push({ type: 'CONNECT' }, { type: 'RECONNECT' });
  if (snapshot.matches('reconnecting')) events.push({ type: 'RETRY' }, { type: 'RECONNECT' });
  if (snapshot.matches('failed')) events.push({ type: 'RETRY' }, { type: 'CONNECT' }, { type: 'RECONNECT' });
  // RECONNECT while active: the real stream flushes and answers STREAM.RESTART in the same step,
  // so the model takes the pair as one step (the executor sends RECONNECT).
  if (snapshot.matches('active')) events.push({ type: 'STREAM.RESTART' });
  if (snapshot.matches({ active: 'connecting' })) {
    events.push(
      { type: 'STREAM.OPEN', status: 200, url: 'model:', headers: {} },
      error('HTTP_STATUS', true), // 503
      error('NO_CONTENT', false), // 204
      error('BAD_CONTENT_TYPE', false), // 200 text/plain
      timeout('connectTimeout'),
    );
  }
  if (snapshot.matches({ active: 'connected' })) {
    // The stream reports a cursor only when it changes: one id value keeps the space finite.
    if (snapshot.context.lastEventId !== MODEL_EVENT_ID) {
      events.push({ type: 'STREAM.PROGRESS', lastEventId: MODEL_EVENT_ID }); // an event with an id
    }
    events.push(
      error('NETWORK', true), // the socket is destroyed
      { type: 'STREAM.END' }, // the response ends
    );
  }
  if (snapshot.matches({ active: { connected: { reading: 'flowing' } } })) {
    // Silence counts only while the consumer reads.
    events.push(timeout('heartbeatTimeout'), timeout('idleEventTimeout'), { type: 'HOLD' });
  }
  if (snapshot.matches({ active: { connected: { reading: 'held' } } })) events.push({ type: 'FLOW' });
  return events;
}

/**
 * The delayed events the active states wait for (`xstate.after.<delay>.<state id>`): the traversal
 * offers them like any other event, and the executor turns them into clock time.
 *
 * @example
 * ```ts
 * delayedEvents(connectingSnapshot); // [{ type: 'xstate.after.connectTimeout.sse.active.connecting' }]
 * ```
 */
export function delayedEvents(snapshot: ModelSnapshot): {
  /** `xstate.after.<delay>.<state id>`. */
  type: string;
}[] {
  const types = snapshot._nodes
    .flatMap((node) => node.ownEvents)
    .filter((type) => delayOf(type) !== undefined);
  return [...new Set(types)].map((type) => ({ type }));
}

/**
 * `xstate.after.<delay>.<state id>` → the delay's name; `undefined` for other events.
 *
 * @example
 * ```ts
 * delayOf('xstate.after.reconnectDelay.sse.reconnecting'); // 'reconnectDelay'
 * delayOf('CLOSE'); // undefined
 * ```
 */
export function delayOf(eventType: string): ModelDelay | undefined {
  const match = /^xstate\.after\.([^.]+)\./.exec(eventType);
  return match === null ? undefined : (match[1] as ModelDelay);
}

/**
 * A short, stable key of a model event (its variant, without ids).
 *
 * @example
 * ```ts
 * eventKey({ type: 'STREAM.END', attempt: 3 }); // 'STREAM.END'
 * eventKey({ type: 'STREAM.TIMEOUT', timer: 'heartbeatTimeout', error }); // 'STREAM.TIMEOUT(heartbeatTimeout)'
 * ```
 */
export function eventKey(event: SseMachineEvent | { type: string }): string {
  const e = event as Partial<Record<'error' | 'timer', unknown>> & { type: string };
  if (e.type === 'STREAM.ERROR') return `STREAM.ERROR(${(e.error as { code: string }).code})`;
  if (e.type === 'STREAM.TIMEOUT') return `STREAM.TIMEOUT(${String(e.timer)})`;
  return e.type;
}

/**
 * What decides the chart's future: state value, retry count, whether a cursor exists.
 *
 * @example
 * ```ts
 * stateKey(actor.getSnapshot()); // '["idle",0,"","active"]'
 * ```
 */
export function stateKey(snapshot: ModelSnapshot): string {
  const { retries, lastEventId } = snapshot.context;
  return JSON.stringify([snapshot.value, retries, lastEventId, snapshot.status]);
}

/**
 * A vertex per transition taken: the state, the event that led to it and the state before.
 * With it, shortest paths cover every transition, not only every state.
 *
 * @example
 * ```ts
 * // Key the traversal by transition (the default of traversalOptions) or by state:
 * getShortestPaths(sseMachine, traversalOptions(scenario, transitionKey));
 * getSimplePaths(sseMachine, traversalOptions(scenario, (snapshot) => stateKey(snapshot)));
 * ```
 */
export function transitionKey(
  snapshot: ModelSnapshot,
  event: SseMachineEvent | undefined,
  previous?: ModelSnapshot,
): string {
  if (event === undefined || previous === undefined) return stateKey(snapshot);
  return `${stateKey(previous)} --${eventKey(event)}--> ${stateKey(snapshot)}`;
}

/**
 * The event filter of a scenario: only the scenario's timers, and nothing once the machine is done.
 *
 * @example
 * ```ts
 * const [scenario] = CONNECTION_MODEL_SCENARIOS;
 * const offered = modelEvents(snapshot).filter((event) => isModelEvent(scenario, snapshot, event));
 * ```
 */
export function isModelEvent(
  scenario: ModelScenario,
  snapshot: ModelSnapshot,
  event: SseMachineEvent,
): boolean {
  if (snapshot.status !== 'active') return false;
  if (event.type === 'STREAM.TIMEOUT') {
    // A timer of 0 is never scheduled: it cannot fire.
    return scenario.timers.includes(event.timer) && snapshot.context[event.timer] > 0;
  }
  const delay = delayOf(event.type);
  return delay === undefined || scenario.timers.includes(delay);
}

/**
 * Options for `getShortestPaths`/`getSimplePaths` of `sseMachine` in a scenario.
 *
 * @example
 * ```ts
 * import { getShortestPaths } from 'xstate/graph';
 *
 * const paths = getShortestPaths(sseMachine, traversalOptions(CONNECTION_MODEL_SCENARIOS[0]));
 * ```
 */
export function traversalOptions(scenario: ModelScenario, serializeState = transitionKey) {
  return {
    /** The scenario's machine input, on a URL that is never requested (the model is pure). */
    input: {
      /** A placeholder: the executor runs each path against a real server's URL instead. */
      url: 'http://model.test/',
      ...scenario.input,
    },
    /** {@link modelEvents} plus the {@link delayedEvents} of the state. */
    events: (snapshot: ModelSnapshot) => [
      ...modelEvents(snapshot),
      ...(delayedEvents(snapshot) as SseMachineEvent[]),
    ],
    /** {@link isModelEvent} for this scenario. */
    filterEvents: (snapshot: ModelSnapshot, event: SseMachineEvent) =>
      isModelEvent(scenario, snapshot, event),
    /** The vertex key of the traversal: by transition by default, so every transition gets a path. */
    serializeState,
  };
}

/**
 * Drop paths whose steps are a prefix of a longer path's: running the longer one covers them.
 *
 * @example
 * ```ts
 * const paths = maximalPaths(getShortestPaths(sseMachine, traversalOptions(scenario)));
 * ```
 */
export function maximalPaths(paths: readonly ModelPath[]): ModelPath[] {
  const signature = (path: ModelPath): string =>
    path.steps.map((step) => `${eventKey(step.event)}→${stateKey(step.state)}`).join('\n');
  const signatures = paths.map(signature);
  return paths.filter((_, index) => {
    const own = signatures[index] ?? '';
    return !signatures.some(
      (other, j) => j !== index && other.length > own.length && other.startsWith(`${own}\n`),
    );
  });
}

/** Events offered in almost every state, kept out of the simple-path traversal. */
const CONTROL_EVENTS: ReadonlySet<string> = new Set(['RECONNECT', 'STREAM.RESTART', 'HOLD', 'FLOW']);

/**
 * Paths of `sseMachine` in a scenario: shortest paths to every transition-keyed vertex (every
 * transition the scenario can take) and, with `simple: true`, every simple path between states.
 *
 * @example
 * ```ts
 * for (const scenario of CONNECTION_MODEL_SCENARIOS) {
 *   console.log(scenario.name, getModelPaths(scenario, { simple: true }).length);
 * }
 * ```
 */
export function getModelPaths(scenario: ModelScenario, options: { simple?: boolean } = {}): ModelPath[] {
  const shortest = getShortestPaths(sseMachine, traversalOptions(scenario));
  if (options.simple !== true) return maximalPaths(shortest);
  // Simple paths without the control events (RECONNECT and its STREAM.RESTART, HOLD, FLOW): each
  // is offered in almost every state, and every ordering of them is a new simple path (the count
  // explodes); their edges are covered by the shortest paths.
  const options_ = traversalOptions(scenario, (snapshot) => stateKey(snapshot));
  const simple = getSimplePaths(sseMachine, {
    ...options_,
    filterEvents: (snapshot: ModelSnapshot, event: SseMachineEvent) =>
      !CONTROL_EVENTS.has(event.type) && options_.filterEvents(snapshot, event),
  });
  return maximalPaths([...shortest, ...simple]);
}
