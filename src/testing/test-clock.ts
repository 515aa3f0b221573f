/**
 * The simulated clock each generated test hands to the app under test.
 *
 * @module
 */
import type { SseClock as Clock } from '../clock.js';

/** XState's clock interface (`createActor(logic, { clock })`). */
interface Timer {
  readonly due: number;
  readonly order: number;
  readonly fn: () => void;
}

/**
 * A simulated clock for XState (`createActor(logic, { clock })`): timers fire only when the test
 * moves time. Like XState's `SimulatedClock`, plus {@link TestClock.runNext}, which moves time to
 * the next due timer and fires it, so a test can step through a chain of timers one at a time
 * without knowing their delays.
 *
 * @example
 * ```ts
 * const clock = new TestClock();
 * const client = createSseClient(url, { clock }); // the chart's timers now run on `clock`
 * clock.increment(1000); // fires every timer due within the next second, in due order
 * clock.runNext(); // jumps to the next timer, whatever its delay, and fires it
 * ```
 */
export class TestClock implements Clock {
  #now = 0;
  #nextId = 1;
  #order = 0;
  readonly #timers = new Map<number, Timer>();

  /** Milliseconds of simulated time since the clock was created. */
  now(): number {
    return this.#now;
  }

  /** Timers scheduled and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Schedule `fn` after `timeout` ms of simulated time (the `Clock` interface of XState). */
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { due: this.#now + Math.max(0, timeout), order: this.#order++, fn });
    return id;
  }

  /** Cancel a timer (the `Clock` interface of XState). */
  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way, in due order. */
  increment(ms: number): void {
    const until = this.#now + ms;
    for (let next = this.#earliest(); next !== undefined && next[1].due <= until; next = this.#earliest()) {
      this.#fire(next);
    }
    this.#now = until;
  }

  /** Move time to the next due timer and fire it; `false` when no timer is pending. */
  runNext(): boolean {
    const next = this.#earliest();
    if (next === undefined) return false;
    this.#fire(next);
    return true;
  }

  #fire([id, timer]: [number, Timer]): void {
    this.#timers.delete(id);
    this.#now = Math.max(this.#now, timer.due);
    timer.fn();
  }

  #earliest(): [number, Timer] | undefined {
    let best: [number, Timer] | undefined;
    for (const entry of this.#timers) {
      const [, timer] = entry;
      if (
        best === undefined ||
        timer.due < best[1].due ||
        (timer.due === best[1].due && timer.order < best[1].order)
      ) {
        best = entry;
      }
    }
    return best;
  }
}
