/**
 * The metrics recorder on a simulated clock: rates and times are arithmetic, not waits.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_RATE_WINDOW_SECONDS, MetricsRecorder } from '../../src/metrics.js';

function recorderAt(start: number) {
  const clock = { now: start };
  const recorder = new MetricsRecorder(() => clock.now);
  /** `perSecond` events, one per chunk, evenly spread up to `until`. */
  const stream = (perSecond: number, until: number): void => {
    const step = 1000 / perSecond;
    while (clock.now + step <= until) {
      clock.now += step;
      recorder.recordEvent();
      recorder.recordBytes(10);
    }
    clock.now = until;
  };
  const rate = (): number => recorder.snapshot(1, '', undefined).eventsPerSecond;
  return { clock, stream, rate };
}

describe('eventsPerSecond', () => {
  it('reads a steady rate at every point of the second (no saw-tooth)', () => {
    const t0 = 1_000_000_000_000; // on a second boundary
    const { stream, rate } = recorderAt(t0);
    stream(200, t0 + 10_000);
    for (const offset of [50, 250, 500, 900, 999]) {
      stream(200, t0 + 10_000 + offset);
      expect(rate()).toBeGreaterThan(198);
      expect(rate()).toBeLessThan(202);
    }
  });

  it('covers only the time since the client was created while that is shorter than the window', () => {
    const t0 = 1_000_000_000_500;
    const { stream, rate } = recorderAt(t0);
    stream(100, t0 + 2_000);
    expect(rate()).toBeCloseTo(100, 0);
  });

  it(`falls to 0 once ${EVENT_RATE_WINDOW_SECONDS} s pass without an event`, () => {
    const t0 = 1_000_000_000_000;
    const { clock, stream, rate } = recorderAt(t0);
    stream(50, t0 + 3_000);
    clock.now += EVENT_RATE_WINDOW_SECONDS * 1000;
    expect(rate()).toBe(0);
  });
});
