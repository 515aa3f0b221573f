/**
 * Model-based tests of an app that embeds an sse-machine client: the connection chart generates the
 * paths, a loopback server and a simulated clock drive a real connection of the app along each one,
 * and the app's own assertions say what it must show in every state on the way.
 *
 * This module imports nothing from Node, so the same suite runs in a browser (give it a
 * {@link LoopbackServer} that relays to a Node server).
 *
 * @module
 */
import type { InspectionEvent } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { SseMachineContext } from '../../machines/connection.machine.js';
import { type SseMachineEvent, sseMachine } from '../../machines/connection.machine.js';
import {
  describeChange,
  flattenState as flatState,
  liveError,
  type SseStateDetails as StateDetails,
} from '../client/lifecycle.js';
import { SseError } from '../errors.js';
import type { SseState } from '../metrics.js';
import { SILENCE_TIMER_CODES, type SilenceTimer } from '../transport/stream-protocol.js';
import { CONNECTION_SCENARIOS, type ConnectionScenario } from './connection-scenarios.js';
import type { CoverageRecorder } from './coverage.js';
import {
  delayNameOf,
  EDGE_DRIVERS,
  type EdgeDriver,
  MODEL_CURSOR,
  RETRY_AFTER_SECONDS,
  timerLabel,
  unmappedEdges,
  unmappedEvents,
} from './edge-drivers.js';
import { TestClock } from './test-clock.js';

export type { SseStateDetails as StateDetails } from '../client/lifecycle.js';

/** The silence timers that can fire in `snapshot`: connect while connecting, the others while reading. */
function silenceTimersOf(snapshot: ModelSnapshot): SilenceTimer[] {
  if (snapshot.matches({ active: 'connecting' })) return ['connectTimeout'];
  if (snapshot.matches({ active: { connected: { reading: 'flowing' } } })) {
    return ['heartbeatTimeout', 'idleEventTimeout'];
  }
  return [];
}

/**
 * One request the loopback server holds, with the verbs the generator answers it with
 * (`ParkedRequest` of {@link startSseServer} is one).
 *
 * @example
 * ```ts
 * const request: LoopbackRequest = await server.nextRequest('/events');
 * request.respond(503, { 'retry-after': '2' }, 'busy');
 * ```
 */
export interface LoopbackRequest {
  /** Lower-case request headers. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Answer 200 `text/event-stream` and flush the head. */
  open(): void;
  /** Write a chunk of the body; resolves once flushed. */
  write(chunk: string): Promise<void>;
  /** End the response. */
  end(): Promise<void>;
  /** Drop the connection. */
  destroy(): void;
  /** A complete response. */
  respond(status: number, headers?: Readonly<Record<string, string>>, body?: string): void;
}

/**
 * What the generator needs of a server: `startSseServer()` from this entry has it; in a browser,
 * a relay to a Node server (see `test/examples/pages/status-badge-page.ts`).
 *
 * @example
 * ```ts
 * const server: LoopbackServer = await startSseServer();
 * generateConnectionTests({ server, start, close, expect });
 * ```
 */
export interface LoopbackServer {
  /** Absolute URL of `path` on the server. */
  url(path: string): string;
  /** The next request to `path` (waits for it). */
  nextRequest(path: string): Promise<LoopbackRequest>;
}

/**
 * What the generator hands `start`: forward both to `createSseClient` (spread them into its options).
 *
 * @example
 * ```ts
 * const start = (url: string, options: ConnectionTestOptions) =>
 *   createSseClient(url, { heartbeatTimeout: 15_000, ...options });
 * ```
 */
export interface ConnectionTestOptions {
  /** The simulated clock the chart's timers must run on: pass it as `createSseClient`'s `clock`. */
  readonly clock: TestClock;
  /** How the generator follows the chart: pass it as `createSseClient`'s `inspect`. */
  readonly inspect: (event: InspectionEvent) => void;
}

/**
 * One event the loopback server sent (`id: 3`, `data: event 3`).
 *
 * @example
 * ```ts
 * const connected: StateAssertion<Badge> = (badge, _details, { events }) =>
 *   assert.deepEqual(badge.items(), events.map((event: SentEvent) => event.data));
 * ```
 */
export interface SentEvent {
  /** Its id: `1`, `2`, … along the path. */
  readonly id: string;
  /** Its data: `event 1`, `event 2`, … */
  readonly data: string;
}

/**
 * The step a state assertion runs after.
 *
 * @example
 * ```ts
 * const connected: StateAssertion<Badge> = (badge, _details, step: ConnectionStep) =>
 *   assert.equal(badge.count(), step.events.length, step.path);
 * ```
 */
export interface ConnectionStep {
  /** The path so far: `connecting → connected (open) → reconnecting (heartbeat timeout)`. */
  readonly path: string;
  /** Every event the server sent on this path so far, in order, across reconnects. */
  readonly events: readonly SentEvent[];
}

/**
 * What the app must show in a state. Throw (any assertion library) when it does not; the message
 * is reported after the path and step.
 *
 * @example
 * ```ts
 * const reconnecting: StateAssertion<Badge> = (badge, { delay }) =>
 *   assert.equal(badge.text(), `reconnecting in ${Math.ceil((delay ?? 0) / 1000)} s`);
 * ```
 */
export type StateAssertion<App> = (
  app: App,
  details: StateDetails,
  step: ConnectionStep,
) => void | Promise<void>;

/**
 * What the app must show in each connection state; a state without an assertion is only driven
 * through. Each runs after every step that leaves the connection in its state.
 *
 * @example
 * ```ts
 * const expectations: ConnectionExpectations<Badge> = {
 *   connected: (badge) => assert.equal(badge.text(), 'online'),
 *   failed: (badge, { error }) => assert.equal(badge.text(), `offline: ${error?.code}`),
 * };
 * ```
 */
export interface ConnectionExpectations<App> {
  /** Only for an app that does not connect on start (the suite has `connect`). */
  readonly idle?: StateAssertion<App>;
  /** An attempt is under way (`details.attempt` counts them). */
  readonly connecting?: StateAssertion<App>;
  /** The stream is open; `step.events` is what the server sent so far. */
  readonly connected?: StateAssertion<App>;
  /** Waiting `details.delay` ms (`details.reason` says why) after `details.error`. */
  readonly reconnecting?: StateAssertion<App>;
  /** Given up: `details.error` says why (`NO_CONTENT`, `BAD_CONTENT_TYPE`, `RECONNECT_EXHAUSTED`, …). */
  readonly failed?: StateAssertion<App>;
  /** Closed by the app (or by a server end the app's `reconnectOnEnd` makes final). */
  readonly closed?: StateAssertion<App>;
}

/**
 * What {@link generateConnectionTests} needs to know about the app under test.
 *
 * @example
 * ```ts
 * const suite: ConnectionTestSuite<Badge> = {
 *   server: () => server,
 *   start: (url, options) => mountBadge(url, options),
 *   close: (badge) => badge.unmount(),
 *   expect: { connected: (badge) => assert.equal(badge.text(), 'online') },
 * };
 * ```
 */
export interface ConnectionTestSuite<App> {
  /** The loopback server (or a getter, for a server started in `beforeAll`). */
  readonly server: LoopbackServer | (() => LoopbackServer);
  /**
   * Create the app against `url`. The app creates its own client with its own options, and must
   * forward `options` (`createSseClient(url, { ...yours, ...options })`), synchronously: the
   * generator reads the client's configuration from the first inspection event.
   */
  start(url: string, options: ConnectionTestOptions): App | Promise<App>;
  /** Close the app (and its client): the chart's `CLOSE`, and the cleanup after every path. */
  close(app: App): void | Promise<void>;
  /** The app's "retry now" (`client.retry()`); without it, no path takes `RETRY`. */
  retry?(app: App): void | Promise<void>;
  /**
   * The app's "connect" (`client.connect()`): from `failed`, and from `idle` for an app created with
   * `autoConnect: false`. Without it, the app must connect on start, and no path leaves `failed`.
   */
  connect?(app: App): void | Promise<void>;
  /** What the app must show in each state, checked after every step of every path. */
  readonly expect: ConnectionExpectations<App>;
  /** The server behaviours to cover. @defaultValue every one of {@link CONNECTION_SCENARIOS} */
  readonly scenarios?: readonly ConnectionScenario[];
  /** Records the chart's states and transitions the app's client reached (see {@link createCoverageRecorder}). */
  readonly coverage?: CoverageRecorder;
  /** Bound on one step's real I/O, so a step that cannot happen fails fast. @defaultValue 5000 */
  readonly stepTimeout?: number;
}

/**
 * One generated test: plain data, for any test runner.
 *
 * @example
 * ```ts
 * import { test } from 'node:test';
 * for (const { description, run } of generateConnectionTests(suite)) test(description, run);
 * ```
 */
export interface ConnectionTestCase {
  /** `no heartbeat: connecting → connected (open) → reconnecting (heartbeat timeout)` */
  readonly description: string;
  /** The scenario the path belongs to. */
  readonly scenario: ConnectionScenario;
  /** Drive the app along the path; rejects naming the path and the step. */
  run(): Promise<void>;
}

type ModelSnapshot = ReturnType<typeof sseMachine.resolveState>;
type ModelPath = StatePath<ModelSnapshot, SseMachineEvent>;

/** A model step: the chart event and how to produce it. */
interface Step {
  readonly event: SseMachineEvent;
  readonly label: string;
  /** `undefined` for a timer (the clock drives it). */
  readonly driver: EdgeDriver | undefined;
  /** The chart's state after the step. */
  readonly state: SseState;
}

/** The URL the configuration probe is given; nothing listens there, and the probe closes at once. */
const PROBE_URL = 'http://127.0.0.1:9/sse-machine-probe';
let runs = 0;

const isRoot = (event: InspectionEvent): boolean =>
  event.actorRef.sessionId === event.rootId &&
  (event.actorRef.getSnapshot() as { machine?: { id?: string } }).machine?.id === sseMachine.id;

/** The app's chart configuration: start it once, read the first snapshot, close it. */
function probe<App>(suite: ConnectionTestSuite<App>): ModelSnapshot {
  let first: { value: unknown; context: unknown } | undefined;
  const inspect = (event: InspectionEvent): void => {
    if (first === undefined && event.type === '@xstate.snapshot' && isRoot(event)) {
      first = event.snapshot as unknown as { value: unknown; context: unknown };
    }
  };
  const app = suite.start(PROBE_URL, { clock: new TestClock(), inspect });
  const close = (started: App): void => {
    Promise.resolve(suite.close(started)).catch(() => {});
  };
  if (app instanceof Promise) app.then(close, () => {});
  else close(app);
  if (first === undefined) {
    throw new Error(
      'sse-machine/testing: start(url, options) created no sse-machine client that the generator could see; ' +
        'create it synchronously and pass options.inspect and options.clock to createSseClient',
    );
  }
  return sseMachine.resolveState({
    value: first.value as ModelSnapshot['value'],
    context: first.context as ModelSnapshot['context'],
  });
}

/** The events the chart accepts in `snapshot` that the scenario and the app can produce. */
function offeredEvents<App>(
  suite: ConnectionTestSuite<App>,
  scenario: ConnectionScenario,
  snapshot: ModelSnapshot,
): SseMachineEvent[] {
  if (snapshot.status !== 'active') return [];
  const state = flatState(snapshot.value);
  const accepted = new Set<string>();
  for (const node of snapshot._nodes) for (const type of node.ownEvents) accepted.add(type);
  // An app that connects on start is never seen idle: its paths begin with CONNECT.
  if (state === 'idle' && suite.connect === undefined) return EDGE_DRIVERS.CONNECT?.map((d) => d.event) ?? [];
  const offered: SseMachineEvent[] = [];
  const timers: { event: SseMachineEvent; delay: string; ms: number }[] = [];
  for (const timer of silenceTimersOf(snapshot)) {
    const code = SILENCE_TIMER_CODES[timer];
    const event = {
      type: 'STREAM.TIMEOUT',
      timer,
      error: new SseError(code, `model ${timer}`),
    } as SseMachineEvent;
    timers.push({ event, delay: timer, ms: snapshot.context[timer] });
  }
  for (const type of accepted) {
    const delay = delayNameOf(type);
    if (delay !== undefined) {
      timers.push({ event: { type } as SseMachineEvent, delay, ms: resolveDelay(delay, snapshot) });
      continue;
    }
    const drivers = EDGE_DRIVERS[type];
    for (const driver of drivers ?? []) {
      if (!driver.states.includes(state)) continue;
      if (driver.kind === 'retry' && suite.retry === undefined) continue;
      // From idle, starting the app connects it; from failed only the app's `connect` can.
      if (driver.kind === 'connect' && state === 'failed' && suite.connect === undefined) continue;
      if (driver.kind !== 'connect' && driver.kind !== 'retry' && driver.kind !== 'close') {
        if (!scenario.server.includes(driver.kind)) continue;
      }
      // The stream reports a cursor when it changes: one model value keeps the space finite.
      if (driver.kind === 'event' && snapshot.context.lastEventId === MODEL_CURSOR) continue;
      offered.push(driver.event);
    }
  }
  // Timers fire in due order: offer the one due first (timers set to 0 are disabled), when the
  // scenario lets it run out. A chain (stable period, then heartbeat) is taken one timer at a time.
  const due = timers.filter((timer) => timer.ms > 0).sort((a, b) => a.ms - b.ms)[0];
  if (due !== undefined && scenario.timers.includes(due.delay)) offered.push(due.event);
  return offered;
}

function resolveDelay(delay: string, snapshot: ModelSnapshot): number {
  const numeric = Number(delay);
  if (Number.isFinite(numeric)) return numeric;
  const implementation = (sseMachine.implementations.delays as Record<string, unknown>)[delay];
  if (typeof implementation === 'number') return implementation;
  if (typeof implementation !== 'function') return 0;
  return (implementation as (args: { context: unknown; event: unknown }) => number)({
    context: snapshot.context,
    event: { type: 'xstate.init' },
  });
}

const eventKey = (event: SseMachineEvent): string => {
  const driver = driverOf(event);
  return driver === undefined ? event.type : `${event.type}/${driver.kind}`;
};

function driverOf(event: SseMachineEvent): EdgeDriver | undefined {
  return EDGE_DRIVERS[event.type]?.find((driver) => driver.event === event);
}

/**
 * Reconnects in a row the model tells apart: all of them up to a small `maxAttempts` (so paths
 * reach `RECONNECT_EXHAUSTED`), else 0 and "some".
 */
function retriesOf(snapshot: ModelSnapshot): number {
  const { retries, reconnect } = snapshot.context;
  const cap = reconnect.maxAttempts !== null && reconnect.maxAttempts <= 5 ? reconnect.maxAttempts : 1;
  return Math.min(retries, cap);
}

/** What decides the chart's future: state, reconnects in a row, whether a cursor exists. */
function stateKey(snapshot: ModelSnapshot): string {
  return JSON.stringify([
    snapshot.value,
    snapshot.status,
    retriesOf(snapshot),
    snapshot.context.lastEventId !== '',
  ]);
}

/**
 * The traversal's vertex: a transition (state before, event, state after) while at most one
 * reconnect is under way, so each transition gets a path of its own; past that, a state, so the
 * paths that run the reconnect budget down stay few.
 */
function vertexKey(
  snapshot: ModelSnapshot,
  event: SseMachineEvent | undefined,
  previous: ModelSnapshot | undefined,
) {
  if (event === undefined || previous === undefined || retriesOf(snapshot) > 1) return stateKey(snapshot);
  return `${stateKey(previous)} --${eventKey(event)}--> ${stateKey(snapshot)}`;
}

/** Drop paths that are a prefix of a longer one: running the longer covers them. */
function maximal(paths: readonly ModelPath[]): ModelPath[] {
  const signature = (path: ModelPath): string =>
    path.steps.map((step) => `${eventKey(step.event)}>${stateKey(step.state)}`).join('\n');
  const signatures = paths.map(signature);
  return paths.filter((_, index) => {
    const own = signatures[index] ?? '';
    return !signatures.some(
      (other, j) => j !== index && other.length > own.length && other.startsWith(`${own}\n`),
    );
  });
}

function stepsOf(path: ModelPath): Step[] {
  return path.steps
    .filter((step) => step.event.type !== ('xstate.init' as string))
    .map((step) => {
      const driver = driverOf(step.event);
      const timer = step.event.type === 'STREAM.TIMEOUT' ? step.event.timer : undefined;
      const delay = timer ?? delayNameOf(step.event.type);
      return {
        event: step.event,
        driver,
        label: driver?.label ?? timerLabel(delay ?? step.event.type),
        state: flatState(step.state.value),
      };
    });
}

/** `connecting → connected (open) → reconnecting (heartbeat timeout)` */
function describeSteps(steps: readonly Step[]): string {
  return steps
    .map((step, index) =>
      index === 0 && step.driver?.kind === 'connect' ? step.state : `${step.state} (${step.label})`,
    )
    .join(' → ');
}

/**
 * Generate model-based tests of an app that shows an sse-machine connection. For every scenario,
 * the connection chart (`sseMachine`, configured as the app configures its client) yields a path
 * to each of its transitions that the scenario's server and timers can take; each test starts the
 * app against the loopback server with a simulated clock, drives a real connection along its path
 * (server responses, dropped sockets, timers, the app's own close/retry/connect), checks that the
 * client's chart follows, and runs the app's assertion for the state after every step.
 *
 * The app must forward the options it is started with to `createSseClient`
 * (`createSseClient(url, { ...yourOptions, ...options })`): `clock` puts the chart's timers on the
 * test clock, `inspect` lets the generator follow the chart.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, expect, it } from 'vitest';
 * import { createCoverageRecorder, generateConnectionTests, startSseServer, type SseServer } from 'sse-machine/testing';
 *
 * let server: SseServer;
 * beforeAll(async () => { server = await startSseServer(); });
 * afterAll(() => server.close());
 * const coverage = createCoverageRecorder();
 *
 * const tests = generateConnectionTests({
 *   server: () => server,
 *   start: (url, options) => mountStatusBadge(url, options), // → createSseClient(url, { ...mine, ...options })
 *   close: (badge) => badge.unmount(),
 *   retry: (badge) => badge.clickRetry(),
 *   coverage,
 *   expect: {
 *     connecting: (badge) => expect(badge.text()).toBe('connecting…'),
 *     connected: (badge, _details, { events }) => expect(badge.items()).toEqual(events.map((e) => e.data)),
 *     reconnecting: (badge, { delay }) => expect(badge.text()).toBe(`reconnecting in ${Math.ceil(delay! / 1000)} s`),
 *     failed: (badge, { error }) => expect(badge.text()).toBe(`offline: ${error?.code}`),
 *     closed: (badge) => expect(badge.text()).toBe('closed'),
 *   },
 * });
 * for (const { description, run } of tests) it(description, run);
 * it('coverage', () => console.log(coverage.summary()));
 * ```
 */
export function generateConnectionTests<App>(suite: ConnectionTestSuite<App>): ConnectionTestCase[] {
  // Checked over the whole chart, before any path: an event nobody can produce would be an edge
  // the suite silently never takes.
  const missing = unmappedEvents(sseMachine);
  if (missing.length > 0) throw unmappedEdges(missing);
  const initial = probe(suite);
  const found: { scenario: ConnectionScenario; path: ModelPath }[] = [];
  for (const scenario of suite.scenarios ?? Object.values(CONNECTION_SCENARIOS)) {
    const paths = getShortestPaths(sseMachine, {
      fromState: initial,
      events: (snapshot: ModelSnapshot) => offeredEvents(suite, scenario, snapshot),
      serializeState: vertexKey,
    });
    for (const path of paths) found.push({ scenario, path });
  }
  // Scenarios share their beginnings (connect, open, close): each path runs once, in the first
  // scenario that has it, and a path that a longer one extends is left to the longer one.
  const kept = new Set(maximal(found.map(({ path }) => path)));
  const seen = new Set<string>();
  const cases: ConnectionTestCase[] = [];
  for (const { scenario, path } of found) {
    const steps = stepsOf(path);
    const signature = path.steps.map((step) => `${eventKey(step.event)}>${stateKey(step.state)}`).join('\n');
    if (!kept.has(path) || steps.length === 0 || seen.has(signature)) continue;
    seen.add(signature);
    cases.push({
      description: `${scenario.name}: ${describeSteps(steps)}`,
      scenario,
      run: () => runPath(suite, scenario, steps),
    });
  }
  return cases;
}

/** A `Promise` that rejects after `ms` of real time, for a step's I/O; `cancel` stops the timer. */
function deadline(ms: number, what: () => string): { promise: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what())), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** One macrotask: lets the app finish what its listeners started before it is checked. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function runPath<App>(
  suite: ConnectionTestSuite<App>,
  scenario: ConnectionScenario,
  steps: readonly Step[],
) {
  const server = typeof suite.server === 'function' ? suite.server() : suite.server;
  const pathname = `/sse-machine-test/${++runs}`;
  const stepTimeout = suite.stepTimeout ?? 5000;
  const clock = new TestClock();
  const processed: string[] = [];
  let notify: (() => void) | undefined;
  let snapshot: { value: unknown; context: unknown } | undefined;
  let details: StateDetails | undefined;
  let attempts = 0;
  const inspect = (event: InspectionEvent): void => {
    suite.coverage?.inspect(event);
    if (event.type !== '@xstate.snapshot' || !isRoot(event)) return;
    const next = event.snapshot as unknown as { value: unknown; context: unknown };
    const before = snapshot;
    snapshot = next;
    processed.push(event.event.type);
    const was = before?.context as SseMachineContext | undefined;
    const now = next.context as SseMachineContext;
    if (
      before !== undefined &&
      was !== undefined &&
      (flatState(before.value) !== flatState(next.value) || was.attempt !== now.attempt)
    ) {
      // The same function the client's `state` event uses: the details an app's listener receives.
      const failure = now.lastError !== was.lastError ? liveError(now.lastError) : undefined;
      details = describeChange(flatState(next.value), flatState(before.value), now, failure);
      if (flatState(next.value) === 'connecting') attempts++;
    }
    notify?.();
  };

  const taken: LoopbackRequest[] = [];
  let request: { attempt: number; request: LoopbackRequest } | undefined;
  const events: SentEvent[] = [];
  const done: Step[] = [];
  const where = (): string => `${scenario.name}: ${describeSteps(done)}`;

  /** The current attempt's request: each attempt sends one, and older ones were taken before. */
  const currentRequest = async (): Promise<LoopbackRequest> => {
    if (request?.attempt !== attempts) {
      const limit = deadline(
        stepTimeout,
        () => `no request of attempt ${attempts} reached the server within ${stepTimeout} ms`,
      );
      try {
        const next = await Promise.race([server.nextRequest(pathname), limit.promise]);
        taken.push(next);
        request = { attempt: attempts, request: next };
      } finally {
        limit.cancel();
      }
    }
    return request.request;
  };
  const connection = (): LoopbackRequest => {
    if (request === undefined) throw new Error('no response is open to act on');
    return request.request;
  };

  const waitFor = async (type: string, mark: number, action: string): Promise<void> => {
    // The app's "retry" and "connect" may send either event (a retry button that connects from
    // failed): both start a new attempt, and the model's state check follows.
    const types = type === 'CONNECT' || type === 'RETRY' ? ['CONNECT', 'RETRY'] : [type];
    const seen = (): boolean => processed.slice(mark).some((each) => types.includes(each));
    if (seen()) return;
    const limit = deadline(
      stepTimeout,
      () => `${action}: the client's chart did not receive ${type} within ${stepTimeout} ms`,
    );
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          notify = () => {
            if (seen()) resolve();
          };
        }),
        limit.promise,
      ]);
    } finally {
      notify = undefined;
      limit.cancel();
    }
  };

  const perform = async (step: Step, app: App, first: boolean): Promise<void> => {
    const driver = step.driver;
    if (first && driver?.kind === 'connect') {
      // Started apps connect on their own (autoConnect); the app's `connect` is for those that do not.
      await suite.connect?.(app);
      return waitFor(step.event.type, 0, 'the app connects when started (else give the suite `connect`)');
    }
    const mark = processed.length;
    const state = snapshot === undefined ? 'idle' : flatState(snapshot.value);
    // A request must be taken while its attempt is current, or a later attempt could get it.
    if (state === 'connecting') await currentRequest();
    if (driver === undefined) {
      // A delayed transition: move the test clock from timer to timer until the chart takes it.
      for (let fired = 0; fired < 100 && !processed.slice(mark).includes(step.event.type); fired++) {
        if (!clock.runNext()) {
          throw new Error(
            `${step.label}: no timer is pending on the test clock (does the app pass options.clock to createSseClient?)`,
          );
        }
      }
    } else {
      switch (driver.kind) {
        case 'connect':
          await suite.connect?.(app);
          break;
        case 'retry':
          await suite.retry?.(app);
          break;
        case 'close':
          await suite.close(app);
          break;
        case 'open': {
          const live = await currentRequest();
          const cursor = live.headers['last-event-id'];
          const last = events.at(-1)?.id;
          if (last !== undefined && cursor !== last) {
            throw new Error(
              `open: attempt ${attempts} asked to resume from ${String(cursor)}, expected Last-Event-ID ${last}`,
            );
          }
          live.open();
          break;
        }
        case 'keep-alive':
          await connection().write(': keep-alive\n\n');
          break;
        case 'event': {
          const id = String(events.length + 1);
          events.push({ id, data: `event ${id}` });
          await connection().write(`id: ${id}\ndata: event ${id}\n\n`);
          break;
        }
        case 'end':
          await connection().end();
          break;
        case 'drop':
          connection().destroy();
          break;
        case 'unavailable':
          (await currentRequest()).respond(
            503,
            { 'content-type': 'text/plain', 'retry-after': String(RETRY_AFTER_SECONDS) },
            'busy',
          );
          break;
        case 'no-content':
          (await currentRequest()).respond(204);
          break;
        case 'wrong-content-type':
          (await currentRequest()).respond(200, { 'content-type': 'text/plain' }, 'not a stream');
          break;
        default: {
          const unknown: never = driver.kind;
          throw new Error(`no action for edge kind ${String(unknown)}`);
        }
      }
    }
    await waitFor(step.event.type, mark, step.label);
  };

  let app: App | undefined;
  try {
    app = await suite.start(server.url(pathname), { clock, inspect });
    if (snapshot === undefined) {
      throw new Error(
        'the app created no client the generator could see: pass options.inspect to createSseClient',
      );
    }
    for (const [index, step] of steps.entries()) {
      done.push(step);
      try {
        await perform(step, app, index === 0);
      } catch (cause) {
        throw new Error(`${where()}: ${(cause as Error).message}`, { cause });
      }
      const real = flatState((snapshot as { value: unknown }).value);
      if (real !== step.state) {
        throw new Error(
          `${where()}: expected the connection to be ${step.state}, the client's chart is ${real}`,
        );
      }
      await settle();
      const assertion = suite.expect[real];
      if (assertion === undefined) continue;
      const stateDetails = details ?? { previous: 'idle', attempt: 0 };
      try {
        await assertion(app, stateDetails, { path: describeSteps(done), events: [...events] });
      } catch (cause) {
        throw new Error(`${where()}: ${(cause as Error).message}`, { cause });
      }
    }
  } finally {
    if (app !== undefined) await suite.close(app);
    for (const each of taken) each.destroy();
  }
}
