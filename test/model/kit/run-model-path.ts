/**
 * Executes a model path against the real machine: a real transport, a real loopback server that
 * parks every request, and a `SimulatedClock` for the chart's timers. Every model event maps to one
 * real action; an event without a mapping throws (a silently skipped step would fake coverage).
 *
 * @module
 */
import {
  type Actor,
  type AnyEventObject,
  createActor,
  type InspectionEvent,
  initialTransition,
  SimulatedClock,
  transition,
} from 'xstate';
import { sseMachine } from '../../../machines/connection.machine.js';
import { createConnectionMachine } from '../../../src/connection-machine.js';
import type { ParkedRequest, SseServer } from '../../../src/testing/server.js';
import type { HttpTransport } from '../../../src/transport/http.js';
import {
  delayOf,
  eventKey,
  MODEL_EVENT_ID,
  type ModelPath,
  type ModelScenario,
  type ModelSnapshot,
  stateKey,
} from './connection-model.js';

/**
 * The header carrying the attempt number, so the executor answers the current attempt's request
 * (a request of an older attempt may still be parked).
 *
 * @example
 * ```ts
 * const request = await server.nextRequest('/run/1');
 * const attempt = Number(request.headers[ATTEMPT_HEADER]);
 * ```
 */
export const ATTEMPT_HEADER = 'x-model-attempt';

/** What {@link runModelPath} needs. */
export interface ModelRunOptions {
  /** The loopback server the machine connects to (see {@link startSseServer}). */
  readonly server: SseServer;
  /** The transport under test: undici, fetch, or your own. */
  readonly transport: HttpTransport;
  /** The scenario the path came from: its input configures the machine. */
  readonly scenario: ModelScenario;
  /** A pathname no other run uses (requests are told apart by it). */
  readonly pathname: string;
  /** Every inspection event of the run (coverage is computed from `@xstate.microstep`). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Bound on the wait for one step's real I/O, so a broken mapping fails fast. @defaultValue 5000 */
  readonly stepTimeout?: number;
}

/**
 * The part of a snapshot a real run must reproduce exactly: state value, status, attempt and retry
 * counts, cursor and error code (timing-dependent fields such as delays are left out).
 *
 * @example
 * ```ts
 * expect(observable(actor.getSnapshot())).toEqual(observable(path.state));
 * ```
 */
export function observable(snapshot: ModelSnapshot): unknown {
  const { attempt, retries, lastEventId, lastError } = snapshot.context;
  return {
    status: snapshot.status,
    value: snapshot.value,
    attempt,
    retries,
    lastEventId,
    error: lastError?.code,
  };
}

type ConnectionActor = Actor<ReturnType<typeof createConnectionMachine>>;

/**
 * Run one path; rejects with a message naming the step when the real machine disagrees with the
 * model or a step cannot be executed.
 *
 * @example
 * ```ts
 * for (const path of getModelPaths(scenario)) {
 *   await runModelPath(path, { server, transport: createUndiciTransport(), scenario, pathname: `/run/${i++}` });
 * }
 * ```
 */
export async function runModelPath(path: ModelPath, options: ModelRunOptions): Promise<void> {
  const { server, scenario, pathname, stepTimeout = 5000 } = options;
  const processed: AnyEventObject[] = [];
  let notify: (() => void) | undefined;
  const clock = new SimulatedClock();
  const machine = createConnectionMachine(options.transport, {
    headers: (attempt) => ({ [ATTEMPT_HEADER]: String(attempt) }),
  });
  const actor: ConnectionActor = createActor(machine, {
    input: { url: server.url(pathname), ...scenario.input },
    clock,
    inspect: (event) => {
      options.inspect?.(event);
      // A root snapshot follows every event the machine processed, whatever its source.
      if (event.type === '@xstate.snapshot' && event.actorRef === actor) {
        processed.push(event.event);
        notify?.();
      }
    },
  });
  let current: ParkedRequest | undefined;

  const waitProcessed = async (type: string, mark: number, action: string): Promise<void> => {
    const found = (): boolean => processed.slice(mark).some((event) => event.type === type);
    if (found()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        notify = () => {
          if (found()) resolve();
        };
        timer = setTimeout(
          () => reject(new Error(`${action}: the machine did not process ${type} within ${stepTimeout} ms`)),
          stepTimeout,
        );
      });
    } finally {
      notify = undefined;
      clearTimeout(timer);
    }
  };

  /** The current attempt's request; requests of attempts the machine already abandoned are dropped. */
  const takeRequest = async (): Promise<ParkedRequest> => {
    const attempt = String(actor.getSnapshot().context.attempt);
    for (;;) {
      const request = await server.nextRequest(pathname);
      if (request.headers[ATTEMPT_HEADER] === attempt) return request;
      request.destroy();
    }
  };
  const connection = (): ParkedRequest => {
    if (current === undefined) throw new Error('no open response to act on');
    return current;
  };

  const execute = async (event: AnyEventObject, state: ModelSnapshot): Promise<void> => {
    const mark = processed.length;
    const key = eventKey(event as { type: string });
    const delay = delayOf(event.type);
    if (delay !== undefined) {
      const resolve = sseMachine.implementations.delays[delay] as (args: {
        context: ModelSnapshot['context'];
        event: AnyEventObject;
      }) => number;
      clock.increment(resolve({ context: actor.getSnapshot().context, event }));
    } else {
      switch (key) {
        case 'CONNECT':
        case 'RETRY':
        case 'RECONNECT':
        case 'HOLD':
        case 'FLOW':
        case 'CLOSE':
          actor.send({ type: key });
          break;
        case 'STREAM.RESTART':
          // The real stream answers RECONNECT with STREAM.RESTART in the same step.
          actor.send({ type: 'RECONNECT' });
          break;
        case 'STREAM.TIMEOUT(connectTimeout)':
        case 'STREAM.TIMEOUT(heartbeatTimeout)':
        case 'STREAM.TIMEOUT(idleEventTimeout)': {
          // The stream's watchdog runs on the actor's clock: its whole period from now is past its deadline.
          const timer = (
            event as unknown as { timer: 'connectTimeout' | 'heartbeatTimeout' | 'idleEventTimeout' }
          ).timer;
          clock.increment(actor.getSnapshot().context[timer]);
          break;
        }
        case 'STREAM.OPEN':
          current = await takeRequest();
          current.open();
          break;
        case 'STREAM.ERROR(HTTP_STATUS)':
          (await takeRequest()).respond(503, { 'content-type': 'text/plain' }, 'busy');
          break;
        case 'STREAM.ERROR(NO_CONTENT)':
          (await takeRequest()).respond(204);
          break;
        case 'STREAM.ERROR(BAD_CONTENT_TYPE)':
          (await takeRequest()).respond(200, { 'content-type': 'text/plain' }, 'not a stream');
          break;
        case 'STREAM.ERROR(NETWORK)':
          connection().destroy();
          break;
        case 'STREAM.PROGRESS':
          await connection().write(`id: ${MODEL_EVENT_ID}\ndata: model\n\n`);
          break;
        case 'STREAM.END':
          await connection().end();
          break;
        default:
          throw new Error(`no executor for model event ${key} in ${JSON.stringify(state.value)}`);
      }
    }
    await waitProcessed(event.type, mark, `${key} in ${JSON.stringify(state.value)}`);
  };

  actor.start();
  try {
    // The expected snapshots are replayed on the pure chart: the traversal keeps one snapshot per
    // key, reached by whichever history it found first, so a step's `state` may carry another
    // history's `attempt` or `lastError`. The replay carries the path's own.
    let [expected] = initialTransition(sseMachine, { url: server.url(pathname), ...scenario.input });
    let previous = actor.getSnapshot() as ModelSnapshot;
    for (const [index, step] of path.steps.entries()) {
      const where = `step ${index + 1} (${eventKey(step.event)})`;
      // Paths start with the initial snapshot, reached by no action.
      if ((step.event as AnyEventObject).type === 'xstate.init') continue;
      [expected] = transition(sseMachine, expected, step.event);
      if (stateKey(expected) !== stateKey(step.state)) {
        throw new Error(`${where}: the path does not replay on the chart (${stateKey(expected)})`);
      }
      await execute(step.event, previous).catch((error: Error) => {
        throw new Error(`${where}: ${error.message}`);
      });
      const real = actor.getSnapshot() as ModelSnapshot;
      const [want, got] = [JSON.stringify(observable(expected)), JSON.stringify(observable(real))];
      if (want !== got) throw new Error(`${where}: the real machine reached ${got}, the model ${want}`);
      previous = real;
    }
  } finally {
    actor.stop();
    for (const request of server.received) if (request.pathname === pathname) request.destroy();
  }
}
