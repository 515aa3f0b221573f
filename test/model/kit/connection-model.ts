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
import type { SseErrorCode } from '../../../src/errors.js';

/** A snapshot of the connection machine. */
export type ModelSnapshot = SnapshotFrom<typeof sseMachine>;
/** One path of the model: the steps from `idle` and the state they reach. */
export type ModelPath = StatePath<ModelSnapshot, SseMachineEvent>;
/** The machine's named delays. */
export type ModelDelay =
  | 'connectTimeout'
  | 'heartbeatTimeout'
  | 'idleEventTimeout'
  | 'resetAfter'
  | 'reconnectDelay';

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
  attempt: 0,
  retryable,
  error: { name: 'SseError', code, message: `model ${code}`, url: 'model:', attempt: 0 },
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
  if (snapshot.matches('idle')) events.push({ type: 'CONNECT' });
  if (snapshot.matches('reconnecting')) events.push({ type: 'RETRY' });
  if (snapshot.matches('failed')) events.push({ type: 'RETRY' }, { type: 'CONNECT' });
  if (snapshot.matches({ active: 'connecting' })) {
    events.push(
      { type: 'STREAM.OPEN', attempt: 0, status: 200, url: 'model:', headers: {} },
      error('HTTP_STATUS', true), // 503
      error('NO_CONTENT', false), // 204
      error('BAD_CONTENT_TYPE', false), // 200 text/plain
    );
  }
  if (snapshot.matches({ active: 'connected' })) {
    events.push(
      { type: 'STREAM.PROGRESS', attempt: 0, bytes: 1, dispatched: 0 }, // a comment
      { type: 'STREAM.PROGRESS', attempt: 0, bytes: 1, dispatched: 1, lastEventId: MODEL_EVENT_ID }, // an event
      error('NETWORK', true), // the socket is destroyed
      { type: 'STREAM.END', attempt: 0 }, // the response ends
    );
  }
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
 * eventKey({ type: 'STREAM.PROGRESS', attempt: 1, bytes: 9, dispatched: 1 }); // 'STREAM.PROGRESS(1)'
 * ```
 */
export function eventKey(event: SseMachineEvent | { type: string }): string {
  const e = event as Partial<Record<'error' | 'dispatched', unknown>> & { type: string };
  if (e.type === 'STREAM.ERROR') return `STREAM.ERROR(${(e.error as { code: string }).code})`;
  if (e.type === 'STREAM.PROGRESS') return `STREAM.PROGRESS(${String(e.dispatched)})`;
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
  const simple = getSimplePaths(
    sseMachine,
    traversalOptions(scenario, (snapshot) => stateKey(snapshot)),
  );
  return maximalPaths([...shortest, ...simple]);
}
