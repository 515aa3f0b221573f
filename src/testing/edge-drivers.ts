/**
 * How each kind of edge of the connection chart is driven for real: the one place that knows both
 * the chart's event vocabulary and what the loopback server, the test clock or the app must do to
 * produce each event.
 *
 * The generator asks the chart which events each reachable state accepts (`ownEvents` of its
 * nodes) and looks them up here. Delayed transitions (`xstate.after.<delay>.<state>`) are driven by
 * the clock, whatever their delay's name. Any other event the chart accepts and this table does not
 * map fails the generation with its name: a chart that grew an event needs a row here, not a path
 * that silently skips it.
 *
 * @module
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { SseMachineEvent } from '../../machines/connection.machine.js';
import { SseError, type SseErrorCode } from '../errors.js';
import type { SseState } from '../metrics.js';
import type { ServerAction } from './connection-scenarios.js';

/** What the app under test does itself (the chart's user events). */
export type AppAction = 'connect' | 'retry' | 'close';

/** A way of producing one chart event for real. */
export interface EdgeDriver {
  /** The server or app action that produces the event. */
  readonly kind: ServerAction | AppAction;
  /** Shown in paths: `reconnecting (connection dropped)`. */
  readonly label: string;
  /** Flattened states the action makes sense in (the chart may accept the event in more). */
  readonly states: readonly SseState[];
  /** The event fed to the pure chart to predict the next state. */
  readonly event: SseMachineEvent;
}

/** The cursor the model's events carry: one value keeps the state space finite. */
export const MODEL_CURSOR = 'model';

const failure = (code: SseErrorCode, retryable: boolean, retryAfter?: number): SseMachineEvent => ({
  type: 'STREAM.ERROR',
  retryable,
  error: new SseError(code, `model ${code}`, { url: 'model:', attempt: 0, retryAfter }),
});

/** Seconds of `Retry-After` the `unavailable` action sends. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Chart event type → the ways of producing it. The `event` payloads follow the chart's stream
 * protocol (`machines/connection.machine.ts`); the real action for each `kind` is in the executor.
 */
export const EDGE_DRIVERS: Readonly<Record<string, readonly EdgeDriver[]>> = {
  CONNECT: [{ kind: 'connect', label: 'connect', states: ['idle', 'failed'], event: { type: 'CONNECT' } }],
  RETRY: [{ kind: 'retry', label: 'retry', states: ['reconnecting', 'failed'], event: { type: 'RETRY' } }],
  CLOSE: [
    {
      kind: 'close',
      label: 'closed by the app',
      states: ['idle', 'connecting', 'connected', 'reconnecting', 'failed'],
      event: { type: 'CLOSE' },
    },
  ],
  'STREAM.OPEN': [
    {
      kind: 'open',
      label: 'open',
      states: ['connecting'],
      event: { type: 'STREAM.OPEN', status: 200, url: 'model:', headers: {} },
    },
  ],
  // Keep-alive comments never reach the chart (they refresh the stream's heartbeat): only an event
  // with a new id does, as a cursor report.
  'STREAM.PROGRESS': [
    {
      kind: 'event',
      label: 'event',
      states: ['connected'],
      event: { type: 'STREAM.PROGRESS', lastEventId: MODEL_CURSOR },
    },
  ],
  'STREAM.END': [
    {
      kind: 'end',
      label: 'server ends the stream',
      states: ['connected'],
      event: { type: 'STREAM.END' },
    },
  ],
  'STREAM.ERROR': [
    { kind: 'drop', label: 'connection dropped', states: ['connected'], event: failure('NETWORK', true) },
    {
      kind: 'unavailable',
      label: `503 Retry-After: ${RETRY_AFTER_SECONDS}`,
      states: ['connecting'],
      event: failure('HTTP_STATUS', true, RETRY_AFTER_SECONDS * 1000),
    },
    { kind: 'no-content', label: '204', states: ['connecting'], event: failure('NO_CONTENT', false) },
    {
      kind: 'wrong-content-type',
      label: 'wrong content type',
      states: ['connecting'],
      event: failure('BAD_CONTENT_TYPE', false),
    },
  ],
};

/**
 * Events the generator does not drive, and why: they stay out of the generated paths (and show as
 * not covered in the report) instead of failing the generation.
 */
export const UNDRIVEN_EVENTS: Readonly<Record<string, string>> = {
  // The stream's silence timers fire on the test clock, offered like the chart's own delays.
  'STREAM.TIMEOUT': 'the test clock runs the stream’s silence timers',
  HOLD: 'an events() consumer that falls behind holds the stream; the generated paths do not',
  FLOW: 'an events() consumer that catches up',
  RECONNECT: 'client.reconnect() is not part of the generated paths',
  'STREAM.RESTART': 'the stream’s answer to RECONNECT',
};

const TIMER_LABELS: Readonly<Record<string, string>> = {
  connectTimeout: 'connect timeout',
  heartbeatTimeout: 'heartbeat timeout',
  idleEventTimeout: 'idle-event timeout',
  reconnectDelay: 'reconnect wait',
  resetAfter: 'stable period',
};

/** `xstate.after.<delay>.<state id>` → `<delay>`; `undefined` for other events. */
export function delayNameOf(eventType: string): string | undefined {
  const match = /^xstate\.after\.([^.]+)\./.exec(eventType);
  return match === null ? undefined : match[1];
}

/** `heartbeatTimeout` → `heartbeat timeout`. */
export function timerLabel(delay: string): string {
  return TIMER_LABELS[delay] ?? `after ${delay}`;
}

/**
 * Every event `machine` accepts somewhere that no driver produces, with the states that accept it
 * (`STREAM.TIMEOUT in sse.active.connected`). Delayed transitions need no driver: the clock runs them.
 */
export function unmappedEvents(machine: AnyStateMachine): string[] {
  const missing = new Map<string, string[]>();
  const visit = (node: AnyStateNode): void => {
    for (const type of node.ownEvents) {
      if (delayNameOf(type) !== undefined || EDGE_DRIVERS[type] !== undefined) continue;
      if (UNDRIVEN_EVENTS[type] !== undefined) continue;
      missing.set(type, [...(missing.get(type) ?? []), node.id]);
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return [...missing].map(([type, states]) => `${type} in ${states.join(', ')}`);
}

/** The error a chart whose events are not all driven fails the generation with. */
export function unmappedEdges(missing: readonly string[]): Error {
  return new Error(
    `sse-machine/testing: the chart accepts events that no edge driver produces: ${missing.join('; ')}. ` +
      'Add a row for each to EDGE_DRIVERS (src/testing/edge-drivers.ts) and its action to the executor',
  );
}
