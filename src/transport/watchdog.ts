/**
 * The silence timers of one attempt (`connectTimeout`, `heartbeatTimeout`, `idleEventTimeout`), kept
 * where the bytes are. One timer per attempt, set for the nearest deadline; a chunk or an event only
 * writes a timestamp, and the timer, when it fires, re-arms itself for whatever time is left. A
 * timeout of 0 is never scheduled. The timers run on the actor system's clock, so a `SimulatedClock`
 * drives them as it drives the chart's own.
 *
 * @module
 */
import type { SseClock as Clock } from '../clock.js';

import type { SilenceTimer } from './stream-protocol.js';

export type { SilenceTimer } from './stream-protocol.js';

/** Durations of the timers (ms; 0 = off). */
export interface SilenceLimits {
  readonly connectTimeout: number;
  readonly heartbeatTimeout: number;
  readonly idleEventTimeout: number;
}

/** Capped like every wait: a longer timer would fire at once. */
const MAX_TIMER = 2_147_483_647;

/** One attempt's watchdog. */
export class Watchdog {
  /** Updated per chunk: a plain write, the hot path's only cost. */
  lastByteAt = 0;
  /** Updated per chunk that dispatched an event. */
  lastEventAt = 0;
  private phase: 'connecting' | 'flowing' | 'held' | 'off' = 'connecting';
  private timer: unknown;
  private armed = false;
  private startedAt: number;

  constructor(
    private readonly clock: Clock,
    readonly now: () => number,
    private readonly limits: SilenceLimits,
    private readonly onTimeout: (timer: SilenceTimer) => void,
  ) {
    this.startedAt = now();
    this.schedule();
  }

  /** The response was accepted: from now on, silence of the body counts. */
  open(): void {
    this.lastByteAt = this.lastEventAt = this.now();
    this.phase = 'flowing';
    this.schedule();
  }

  /** The consumer holds reading back: its silence is not the server's. */
  hold(): void {
    if (this.phase !== 'flowing') return;
    this.phase = 'held';
    this.cancel();
  }

  /** Reading resumes: the clocks start again from now. */
  flow(): void {
    if (this.phase !== 'held') return;
    this.lastByteAt = this.lastEventAt = this.now();
    this.phase = 'flowing';
    this.schedule();
  }

  /** The attempt is over. */
  stop(): void {
    this.phase = 'off';
    this.cancel();
  }

  private cancel(): void {
    if (this.armed) this.clock.clearTimeout(this.timer);
    this.armed = false;
  }

  /** The earliest deadline of the enabled timers of this phase, and which timer owns it. */
  private next(): [SilenceTimer, number] | undefined {
    const { connectTimeout, heartbeatTimeout, idleEventTimeout } = this.limits;
    if (this.phase === 'connecting') {
      return connectTimeout > 0 ? ['connectTimeout', this.startedAt + connectTimeout] : undefined;
    }
    if (this.phase !== 'flowing') return undefined;
    let best: [SilenceTimer, number] | undefined;
    if (heartbeatTimeout > 0) best = ['heartbeatTimeout', this.lastByteAt + heartbeatTimeout];
    if (idleEventTimeout > 0) {
      const at = this.lastEventAt + idleEventTimeout;
      if (best === undefined || at < best[1]) best = ['idleEventTimeout', at];
    }
    return best;
  }

  private schedule(): void {
    this.cancel();
    const next = this.next();
    if (next === undefined) return;
    const wait = Math.min(Math.max(0, next[1] - this.now()), MAX_TIMER);
    this.armed = true;
    this.timer = this.clock.setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.armed = false;
    const next = this.next();
    if (next === undefined) return;
    if (next[1] <= this.now()) {
      this.stop();
      this.onTimeout(next[0]);
      return;
    }
    // Bytes (or events) came since the timer was set: wait for the time that is left.
    this.schedule();
  }
}
