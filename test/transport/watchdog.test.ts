/**
 * The stream actor's silence timers (moved from the chart's `after` rows): exact deadlines under a
 * SimulatedClock, refreshed by timestamps, one timer at a time, never scheduled when 0.
 */

import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { type SilenceLimits, type SilenceTimer, Watchdog } from '../../src/transport/watchdog.js';

function watch(limits: Partial<SilenceLimits>) {
  const clock = new SimulatedClock();
  const fired: SilenceTimer[] = [];
  let timers = 0;
  const counting = {
    setTimeout: (fn: () => void, ms: number) => {
      timers++;
      return clock.setTimeout(fn, ms);
    },
    clearTimeout: (id: unknown) => clock.clearTimeout(id as number),
  };
  const dog = new Watchdog(
    counting,
    () => clock.now(),
    { connectTimeout: 0, heartbeatTimeout: 0, idleEventTimeout: 0, ...limits },
    (timer) => fired.push(timer),
  );
  /** A chunk arrives now (and dispatched an event when `event`). */
  const chunk = (event = false): void => {
    dog.lastByteAt = clock.now();
    if (event) dog.lastEventAt = dog.lastByteAt;
  };
  return { clock, dog, fired, chunk, timers: () => timers };
}

describe('connectTimeout', () => {
  it('fires at exactly connectTimeout without a response', () => {
    const w = watch({ connectTimeout: 1000 });
    w.clock.increment(999);
    expect(w.fired, 'nothing before 1000 ms').toEqual([]);
    w.clock.increment(1);
    expect(w.fired).toEqual(['connectTimeout']);
  });

  it('stops counting once the response is accepted', () => {
    const w = watch({ connectTimeout: 1000 });
    w.clock.increment(500);
    w.dog.open();
    w.clock.increment(24 * 3600_000);
    expect(w.fired).toEqual([]);
  });

  it('0 schedules no timer at all', () => {
    const w = watch({ connectTimeout: 0 });
    w.clock.increment(24 * 3600_000);
    expect(w.fired).toEqual([]);
    expect(w.timers(), 'timers scheduled').toBe(0);
  });
});

describe('heartbeatTimeout', () => {
  it('bytes push the deadline back without re-arming per chunk; silence fires it exactly', () => {
    const w = watch({ heartbeatTimeout: 1000 });
    w.dog.open();
    for (let i = 0; i < 100; i++) {
      w.clock.increment(9);
      w.chunk();
    }
    // 100 chunks in 900 ms: the one timer re-armed itself once at most, when it fired early.
    expect(w.timers(), 'timers scheduled for 100 chunks').toBeLessThanOrEqual(2);
    const lastByte = w.clock.now();
    w.clock.increment(999);
    expect(w.fired).toEqual([]);
    w.clock.set(lastByte + 1000);
    w.clock.increment(0);
    expect(w.fired).toEqual(['heartbeatTimeout']);
  });

  it('0 disables it', () => {
    const w = watch({ heartbeatTimeout: 0 });
    w.dog.open();
    w.clock.increment(24 * 3600_000);
    expect(w.fired).toEqual([]);
    expect(w.timers()).toBe(0);
  });

  it('a held consumer suspends it; flowing again starts the count from then', () => {
    const w = watch({ heartbeatTimeout: 1000 });
    w.dog.open();
    w.dog.hold();
    w.clock.increment(10_000);
    expect(w.fired, 'the silence is the consumer’s').toEqual([]);
    w.dog.flow();
    w.clock.increment(999);
    expect(w.fired).toEqual([]);
    w.clock.increment(1);
    expect(w.fired).toEqual(['heartbeatTimeout']);
  });
});

describe('idleEventTimeout', () => {
  it('only chunks that dispatched an event reset it (comments keep the socket alive, not the flow)', () => {
    const w = watch({ idleEventTimeout: 1000 });
    w.dog.open();
    w.clock.increment(900);
    w.chunk(true);
    w.clock.increment(900);
    w.chunk(false);
    w.clock.increment(99);
    expect(w.fired).toEqual([]);
    w.clock.increment(1);
    expect(w.fired).toEqual(['idleEventTimeout']);
  });

  it('defaults to off alongside a heartbeat, which fires first on silence', () => {
    const w = watch({ heartbeatTimeout: 500, idleEventTimeout: 0 });
    w.dog.open();
    w.clock.increment(500);
    expect(w.fired).toEqual(['heartbeatTimeout']);
  });
});

describe('stop', () => {
  it('cancels the timer for good', () => {
    const w = watch({ connectTimeout: 100, heartbeatTimeout: 100 });
    w.dog.stop();
    w.clock.increment(10_000);
    expect(w.fired).toEqual([]);
  });
});
