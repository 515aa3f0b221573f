/**
 * A pure harness for `sseMachine`: a fake `stream` actor that records what the machine asked for
 * and lets the test play the transport, plus a `SimulatedClock` so no test waits on real time.
 */
import { type Actor, createActor, fromCallback, SimulatedClock } from 'xstate';
import { type SseMachineInput, sseMachine } from '../../machines/connection.machine.js';
import { SseError, type SseErrorCode } from '../../src/errors.js';
import {
  SILENCE_TIMER_CODES,
  type StreamCommand,
  type StreamEvent,
  type StreamInput,
  type StreamProgressEvent,
  type StreamTimeoutEvent,
} from '../../src/transport/stream-protocol.js';

/** The machine with the fake stream provided. */
export type HarnessMachine = ReturnType<typeof sseMachine.provide>;

export interface Harness {
  readonly actor: Actor<HarnessMachine>;
  readonly clock: SimulatedClock;
  /** Input of every stream the machine started, in order. */
  readonly starts: StreamInput[];
  /** Attempt ids whose stream was stopped (cleanup ran), in order. */
  readonly cleanups: number[];
  /** `sendBack` of every started stream, by start order. */
  readonly senders: ((event: StreamEvent) => void)[];
  /** Commands the chart sent to the streams (`HOLD`, `FLOW`, `STABLE`, `RESTART`), in order. */
  readonly commands: StreamCommand['type'][];
  /** Attempt id of the most recently started stream. */
  attempt(): number;
  /** Sends through the latest stream's `sendBack`, as a transport would. */
  sendBack(event: StreamEvent): void;
  open(): void;
  progress(fields?: Partial<Omit<StreamProgressEvent, 'type'>>): void;
  /** A silence timer of the stream fired. */
  timeout(timer: StreamTimeoutEvent['timer']): void;
  /** A failure; `retryAfter` is the response's Retry-After (a floor on the policy's wait). */
  fail(code: SseErrorCode, retryable: boolean, retryAfter?: number): void;
  end(): void;
  /** Advances simulated time. */
  advance(ms: number): void;
}

/** An error as a transport would raise it. */
export function streamError(code: SseErrorCode, attempt: number, retryAfter?: number): SseError {
  return new SseError(code, `test ${code}`, { url: 'http://sse.test/', attempt, retryAfter });
}

/** Starts the machine (not yet connected) with a fake stream and a simulated clock. */
export function createHarness(input: Partial<SseMachineInput> = {}): Harness {
  const starts: StreamInput[] = [];
  const cleanups: number[] = [];
  const senders: ((event: StreamEvent) => void)[] = [];
  const commands: StreamCommand['type'][] = [];
  const stream = fromCallback<StreamCommand, StreamInput>(({ input: streamInput, sendBack, receive }) => {
    starts.push(streamInput);
    senders.push(sendBack);
    receive((command) => {
      commands.push(command.type);
      // A real stream flushes its cursor, then asks for the new attempt.
      if (command.type === 'RESTART') sendBack({ type: 'STREAM.RESTART' });
    });
    return () => {
      cleanups.push(streamInput.attempt);
    };
  });
  const clock = new SimulatedClock();
  const actor = createActor(sseMachine.provide({ actors: { stream } }), {
    input: { url: 'http://sse.test/', ...input },
    clock,
  });
  actor.start();

  const attempt = (): number => {
    const last = starts.at(-1);
    if (last === undefined) throw new Error('no stream started yet');
    return last.attempt;
  };
  const sendBack = (event: StreamEvent): void => {
    const send = senders.at(-1);
    if (send === undefined) throw new Error('no stream started yet');
    send(event);
  };
  return {
    actor,
    clock,
    starts,
    cleanups,
    senders,
    commands,
    attempt,
    sendBack,
    open: () =>
      sendBack({
        type: 'STREAM.OPEN',
        status: 200,
        url: 'http://sse.test/',
        headers: {},
      }),
    progress: (fields = {}) => sendBack({ type: 'STREAM.PROGRESS', ...fields }),
    timeout: (timer) =>
      sendBack({
        type: 'STREAM.TIMEOUT',
        timer,
        error: new SseError(SILENCE_TIMER_CODES[timer], `test ${timer}`, {
          url: 'http://sse.test/',
          attempt: attempt(),
        }),
      }),
    fail: (code, retryable, retryAfter) =>
      sendBack({
        type: 'STREAM.ERROR',
        error: streamError(code, attempt(), retryAfter),
        retryable,
      }),
    end: () => sendBack({ type: 'STREAM.END' }),
    advance: (ms) => clock.increment(ms),
  };
}

/** The snapshot's state value as a dotted path, for readable assertions (`active.connecting`). */
export function stateOf(actor: Actor<HarnessMachine>): string {
  const value = actor.getSnapshot().value;
  if (typeof value === 'string') return value;
  const [top, child] = Object.entries(value)[0] ?? [];
  if (top === undefined) return '';
  return typeof child === 'string' ? `${top}.${child}` : `${top}.${Object.keys(child ?? {})[0] ?? ''}`;
}
