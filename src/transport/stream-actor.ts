/**
 * The `stream` actor of the chart: one {@link startAttempt} per invocation, over any
 * {@link HttpTransport}. Commands from the chart (`HOLD`, `FLOW`, `STABLE`, `RESTART`) reach the
 * attempt through the callback actor's `receive`; stopping the actor aborts the request.
 *
 * @module
 */
import { fromCallback } from 'xstate';
import { type AttemptScope, type StreamOptions, startAttempt } from './attempt.js';
import type { HttpTransport } from './http.js';
import type { StreamCommand, StreamEvent, StreamInput } from './stream-protocol.js';

function streamLogic(bind: (system: object) => Pick<AttemptScope, 'transport' | 'options'>) {
  return fromCallback<StreamCommand, StreamInput>(({ input, sendBack, receive, system }) => {
    const { transport, options } = bind(system);
    const attempt = startAttempt({
      transport,
      options,
      input,
      // The system's clock drives the chart's timers: the silence timers must run on the same one.
      clock: system._clock,
      sendBack: sendBack as (event: StreamEvent) => void,
    });
    receive((command) => attempt.command(command));
    return () => attempt.stop();
  });
}

/**
 * Create the `stream` actor logic for {@link sseMachine}'s `provide({ actors: { stream } })`.
 *
 * @example
 * ```ts
 * const machine = sseMachine.provide({
 *   actors: { stream: createStreamLogic(createUndiciTransport(), { onEvent: (e) => console.log(e.data) }) },
 * });
 * ```
 */
export function createStreamLogic(transport: HttpTransport, options: StreamOptions = {}) {
  return streamLogic(() => ({ transport, options }));
}

/** A transport and its options, attached to one actor system by {@link bindStream}. */
export interface StreamBinding {
  readonly transport: HttpTransport;
  readonly options: StreamOptions;
}

// Keyed by actor system: one shared machine serves every client, each with its own callbacks,
// instead of a `provide()` copy of the whole chart per client (measured: ~36 KB each).
const bindings = new WeakMap<object, StreamBinding>();

/** @internal Attach a transport and callbacks to an actor (before it starts). */
export function bindStream(system: object, binding: StreamBinding): void {
  bindings.set(system, binding);
}

/**
 * The `stream` actor of a shared machine: it uses the transport and options bound to its actor
 * system with {@link bindStream}, or the default transport and `defaults` (events then ride on
 * `sse.event`).
 */
export function createBoundStreamLogic(defaultTransport: () => HttpTransport, defaults: StreamOptions = {}) {
  return streamLogic(
    (system) => bindings.get(system) ?? { transport: defaultTransport(), options: defaults },
  );
}
