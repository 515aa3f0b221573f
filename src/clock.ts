/**
 * The clock that drives every timer of a connection: XState's (`createActor(logic, { clock })`),
 * shared by the chart's `after` timers and the stream actor's silence timers, so one
 * `SimulatedClock` drives them all in tests.
 *
 * @module
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';

/** XState's clock interface (`setTimeout`/`clearTimeout`); a `SimulatedClock` also has `now()`. */
export type SseClock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** A monotonic clock where the platform has one: a wall-clock jump must not fire or hold a timeout. */
const monotonic: () => number =
  typeof globalThis.performance?.now === 'function' ? () => performance.now() : Date.now;

/**
 * The current time of a clock: its own `now()` when it has one (`SimulatedClock`), else the
 * platform's monotonic time (XState's default clock is `setTimeout` itself, with no `now`).
 */
export function clockNow(clock: SseClock): () => number {
  const withNow = clock as SseClock & { now?: () => number };
  return typeof withNow.now === 'function' ? () => (withNow.now as () => number)() : monotonic;
}
