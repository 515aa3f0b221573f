/**
 * Client time in tests: a `SimulatedClock` passed as `createSseClient(url, { clock })` runs every
 * client timer (connect, heartbeat, idle-event, reconnect waits); sockets stay on real time. Time
 * moves only when a test says so, so a timer fires exactly when its delay has been reached.
 *
 * @module
 */
import { SimulatedClock } from 'xstate';

export { SimulatedClock };

/**
 * Advance `clock` by `ms` in steps of `step` (default: all at once). One increment fires the timers
 * due by then but not a chain (a timer armed by a timer that fired starts from the new time), so a
 * chain of delays takes one step per delay (XSTATE-NOTES, model-based tests).
 */
export function advance(clock: SimulatedClock, ms: number, step = ms): void {
  let left = ms;
  while (left > 0) {
    const by = Math.min(step, left);
    clock.increment(by);
    left -= by;
  }
}
