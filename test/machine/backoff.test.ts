/**
 * Reconnect delays, measured twice: as `context.nextDelay` and as the simulated time the
 * `reconnecting` state actually waits. Plus unit tests of `computeReconnectDelay` with jitter.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  computeReconnectDelay,
  DEFAULT_RECONNECT_POLICY,
  MAX_DELAY,
  type ReconnectPolicy,
} from '../../src/backoff.js';
import { SseError } from '../../src/errors.js';
import { createHarness, type Harness, stateOf } from './harness.js';

/**
 * Fails `count` attempts in a row (before any response, so the connection never turns stable) and
 * returns each planned delay, checking the clock honours it to the millisecond.
 */
function measureDelays(h: Harness, count: number): number[] {
  const delays: number[] = [];
  h.actor.send({ type: 'CONNECT' });
  for (let i = 0; i < count; i++) {
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    delays.push(waitOut(h));
  }
  return delays;
}

/** In `reconnecting`: advances to 1 ms before the planned delay, then over it; returns the delay. */
function waitOut(h: Harness): number {
  const delay = h.actor.getSnapshot().context.nextDelay;
  const before = h.starts.length;
  if (delay > 0) {
    h.advance(delay - 1);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.starts).toHaveLength(before);
  }
  h.advance(delay > 0 ? 1 : 0);
  expect(stateOf(h.actor)).toBe('active.connecting');
  expect(h.starts).toHaveLength(before + 1);
  return delay;
}

describe('delay sequence of every strategy (jitter 0), on the machine', () => {
  it('exponential doubles from initialDelay and is capped at maxDelay', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    expect(measureDelays(h, 8)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('linear grows by initialDelay per retry, capped at maxDelay', () => {
    const h = createHarness({
      reconnect: { jitter: 0, strategy: 'linear', initialDelay: 500, maxDelay: 1800 },
    });
    expect(measureDelays(h, 5)).toEqual([500, 1000, 1500, 1800, 1800]);
  });

  it('fixed always waits initialDelay', () => {
    const h = createHarness({ reconnect: { jitter: 0, strategy: 'fixed', initialDelay: 750 } });
    expect(measureDelays(h, 4)).toEqual([750, 750, 750, 750]);
  });

  it('immediate waits 0 ms (a zero-length timer, not a synchronous loop)', () => {
    const h = createHarness({ reconnect: { jitter: 0, strategy: 'immediate' } });
    expect(measureDelays(h, 3)).toEqual([0, 0, 0]);
  });

  it('none goes to failed at the first failure', () => {
    const h = createHarness({ reconnect: { jitter: 0, strategy: 'none' } });
    h.actor.send({ type: 'CONNECT' });
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError?.code).toBe('RECONNECT_EXHAUSTED');
    h.advance(60_000);
    expect(h.starts).toHaveLength(1);
  });

  it('default jitter draws the delay in [d·0.8, d] through Math.random', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const h = createHarness();
    expect(measureDelays(h, 2)).toEqual([900, 1800]);
    expect(random).toHaveBeenCalled();
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('what the server says', () => {
  it('a retry: field replaces the base delay; growth applies on top', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.open();
    h.progress({ retry: 300 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.fail('NETWORK', true);
      delays.push(waitOut(h));
    }
    expect(delays).toEqual([300, 600, 1200]);
  });

  it('retry: 0 from a server that accepts and closes at once still backs off (no tight loop)', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      h.open();
      h.progress({ retry: 0 });
      h.end();
      delays.push(waitOut(h));
    }
    expect(delays).toEqual([0, 200, 400, 800]);
  });

  it('a wait longer than a timer can hold is capped at MAX_DELAY instead of firing at once', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.fail('HTTP_STATUS', true, 10 ** 12); // Retry-After of ~31 years
    expect(h.actor.getSnapshot().context.nextDelay).toBe(MAX_DELAY);
    h.advance(60_000);
    expect(stateOf(h.actor)).toBe('reconnecting');
  });

  it('a retry: above maxDelay is honoured rather than capped', () => {
    const h = createHarness({ reconnect: { jitter: 0, strategy: 'fixed' } });
    h.actor.send({ type: 'CONNECT' });
    h.open();
    h.progress({ retry: 45_000 });
    h.fail('NETWORK', true);
    expect(waitOut(h)).toBe(45_000);
  });

  it('Retry-After (error.retryAfter) is a floor, consumed by one reconnect', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.fail('HTTP_STATUS', true, 5000);
    expect(waitOut(h)).toBe(5000);
    // The floor was consumed: back to the computed 2000.
    h.fail('HTTP_STATUS', true);
    expect(waitOut(h)).toBe(2000);
    // Computed 4000 beats a smaller Retry-After.
    h.fail('HTTP_STATUS', true, 1500);
    expect(waitOut(h)).toBe(4000);
  });

  it('a delay chosen by shouldReconnect (STREAM.ERROR.delay) replaces the wait exactly, once', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    const chosen = (delay: number, retryAfter?: number): void =>
      h.sendBack({
        type: 'STREAM.ERROR',
        error: new SseError('HTTP_STATUS', '503', { status: 503, retryAfter }),
        retryable: true,
        delay,
      });
    // Below the computed 1000, and even below the server's Retry-After: the user decided.
    chosen(0, 7000);
    expect(waitOut(h)).toBe(0);
    chosen(123);
    expect(waitOut(h)).toBe(123);
    // Consumed: the policy's wait again (third reconnect: 4000).
    h.fail('HTTP_STATUS', true);
    expect(waitOut(h)).toBe(4000);
  });

  it('a timeout clears a Retry-After left from an earlier failure', () => {
    const h = createHarness({ reconnect: { jitter: 0 }, connectTimeout: 100 });
    h.actor.send({ type: 'CONNECT' });
    h.fail('HTTP_STATUS', true, 5000);
    expect(waitOut(h)).toBe(5000);
    h.timeout('connectTimeout');
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(waitOut(h)).toBe(2000);
  });
});

describe('stale hints', () => {
  // Regression: the Retry-After of a failure that ended in `failed` used to floor the first wait
  // after a manual RETRY (observed 60000 instead of 1000).
  it('a Retry-After from before failed does not floor the delay after RETRY', () => {
    const h = createHarness({ reconnect: { jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.fail('HTTP_STATUS', false, 60_000);
    expect(stateOf(h.actor)).toBe('failed');
    h.actor.send({ type: 'RETRY' });
    h.open();
    h.end();
    expect(waitOut(h)).toBe(1000);
  });
});

describe('giving up and starting again', () => {
  it('maxAttempts N: after N reconnects the next failure is RECONNECT_EXHAUSTED', () => {
    const h = createHarness({ reconnect: { jitter: 0, maxAttempts: 3 } });
    expect(measureDelays(h, 3)).toEqual([1000, 2000, 4000]);
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('failed');
    const { lastError, attempt, retries } = h.actor.getSnapshot().context;
    expect({ code: lastError?.code, attempt, retries }).toEqual({
      code: 'RECONNECT_EXHAUSTED',
      attempt: 4,
      retries: 3,
    });
    expect(h.starts).toHaveLength(4);
  });

  it('maxElapsed: no reconnect is planned once the waits so far reach the budget', () => {
    const h = createHarness({ reconnect: { jitter: 0, maxElapsed: 3000 } });
    // 1000 + 2000 = 3000 waited: the budget is spent, the third failure gives up.
    expect(measureDelays(h, 2)).toEqual([1000, 2000]);
    expect(h.actor.getSnapshot().context.waited).toBe(3000);
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError?.code).toBe('RECONNECT_EXHAUSTED');
  });

  it('resetAfter: a connection open that long makes the next delay the initial one again', () => {
    const h = createHarness({ reconnect: { jitter: 0, resetAfter: 5000 } });
    expect(measureDelays(h, 3)).toEqual([1000, 2000, 4000]);
    h.open();
    h.advance(5000);
    expect(h.actor.getSnapshot().matches({ active: { connected: { stability: 'stable' } } })).toBe(true);
    expect(h.actor.getSnapshot().context).toMatchObject({ retries: 0, waited: 0 });
    h.fail('NETWORK', true);
    expect(waitOut(h)).toBe(1000);
  });

  it('resetAfter: a connection that drops sooner keeps growing the delay', () => {
    const h = createHarness({ reconnect: { jitter: 0, resetAfter: 5000 } });
    expect(measureDelays(h, 3)).toEqual([1000, 2000, 4000]);
    h.open();
    h.advance(4999);
    h.end();
    expect(waitOut(h)).toBe(8000);
  });
});

describe('computeReconnectDelay', () => {
  const policy = (over: Partial<ReconnectPolicy> = {}): ReconnectPolicy => ({
    ...DEFAULT_RECONNECT_POLICY,
    jitter: 0,
    ...over,
  });

  it('matches the documented example and caps huge retry numbers', () => {
    expect(computeReconnectDelay(policy(), 3)).toBe(4000);
    expect(computeReconnectDelay(policy(), 1_000_000)).toBe(30_000);
    // Past the longest timer JavaScript can set (a longer one would fire at once).
    expect(computeReconnectDelay(policy({ maxDelay: Number.MAX_SAFE_INTEGER }), 5000)).toBe(MAX_DELAY);
    expect(computeReconnectDelay(policy(), 1, { retryAfter: 10 ** 12 })).toBe(MAX_DELAY);
    expect(computeReconnectDelay(policy(), 1, { serverRetry: 3_000_000_000 })).toBe(MAX_DELAY);
  });

  it('jitter j maps random r to d·(1 − j·r), rounded', () => {
    const p = policy({ jitter: 0.2 });
    expect(computeReconnectDelay(p, 1, {}, () => 0)).toBe(1000);
    expect(computeReconnectDelay(p, 1, {}, () => 0.5)).toBe(900);
    expect(computeReconnectDelay(p, 1, {}, () => 0.999_999)).toBe(800);
    expect(computeReconnectDelay(p, 3, {}, () => 0.25)).toBe(3800);
    const full = policy({ jitter: 1 });
    expect(computeReconnectDelay(full, 2, {}, () => 0.75)).toBe(500);
    expect(computeReconnectDelay(full, 2, {}, () => 0.999_999)).toBe(0);
  });

  it('does not draw a random number when jitter is 0 or the delay is 0', () => {
    const random = vi.fn(() => 0.5);
    computeReconnectDelay(policy(), 2, {}, random);
    computeReconnectDelay(policy({ strategy: 'immediate', jitter: 0.5 }), 2, {}, random);
    expect(random).not.toHaveBeenCalled();
  });

  it('applies Retry-After as a floor after jitter', () => {
    const p = policy({ jitter: 1 });
    expect(computeReconnectDelay(p, 1, { retryAfter: 600 }, () => 0.9)).toBe(600);
    expect(computeReconnectDelay(p, 1, { retryAfter: 50 }, () => 0.5)).toBe(500);
    expect(computeReconnectDelay(policy({ strategy: 'immediate' }), 1, { retryAfter: 2000 })).toBe(2000);
  });

  it('uses the server retry: as base, jittered like any other delay', () => {
    const p = policy({ jitter: 0.5, strategy: 'linear' });
    expect(computeReconnectDelay(p, 3, { serverRetry: 200 }, () => 1)).toBe(300);
  });

  it('never jitters a wait below the server retry: (the spec reconnection time is a minimum)', () => {
    const p = policy({ jitter: 1, strategy: 'fixed' });
    for (const r of [0, 0.25, 0.5, 0.999_999]) {
      expect(computeReconnectDelay(p, 1, { serverRetry: 1000 }, () => r)).toBe(1000);
      expect(
        computeReconnectDelay(policy({ jitter: 1 }), 2, { serverRetry: 1000 }, () => r),
      ).toBeGreaterThanOrEqual(1000);
    }
    // Without a server retry: the policy's own base may be jittered down as documented.
    expect(computeReconnectDelay(p, 1, {}, () => 0.5)).toBe(500);
  });

  it('grows from at least 100 ms after a server retry: 0, so a closing server cannot make it spin', () => {
    const waits = (strategy: 'exponential' | 'linear') =>
      [1, 2, 3, 4].map((retry) => computeReconnectDelay(policy({ strategy }), retry, { serverRetry: 0 }));
    expect(waits('exponential')).toEqual([0, 200, 400, 800]);
    expect(waits('linear')).toEqual([0, 200, 300, 400]);
    // A small but non-zero retry: grows from the floor too; a larger one from itself.
    expect(computeReconnectDelay(policy(), 2, { serverRetry: 10 })).toBe(200);
    expect(computeReconnectDelay(policy(), 2, { serverRetry: 300 })).toBe(600);
  });

  it('stays within [d·(1 − jitter), d] for any random in [0, 1)', () => {
    const p = policy({ jitter: 0.3 });
    for (let i = 0; i < 100; i++) {
      const r = i / 100;
      const d = computeReconnectDelay(p, 4, {}, () => r);
      expect(d).toBeGreaterThanOrEqual(5600);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});

// Issue 13, point 1: no value a server sends (or a transport passes on) makes a wait NaN, negative,
// Infinity or shorter than the policy allows.
describe('hostile hints never make a wait NaN, negative, Infinity or shorter than the policy', () => {
  const policy = (over: Partial<ReconnectPolicy> = {}): ReconnectPolicy => ({
    ...DEFAULT_RECONNECT_POLICY,
    ...over,
  });
  const fourHundredDigits = Number('9'.repeat(400));
  const hostile = [fourHundredDigits, Number.POSITIVE_INFINITY, Number.NaN, -1, -Infinity, 1e308, 0.5];
  const strategies = ['exponential', 'linear', 'fixed', 'immediate'] as const;

  it('a retry: of 400 digits (Infinity once parsed) is the longest timer, jittered or not', () => {
    expect(fourHundredDigits).toBe(Number.POSITIVE_INFINITY);
    for (const r of [0, 0.5, 0.999_999]) {
      for (const retry of [1, 2, 10]) {
        expect(computeReconnectDelay(policy(), retry, { serverRetry: fourHundredDigits }, () => r)).toBe(
          MAX_DELAY,
        );
      }
    }
  });

  it('a negative or NaN retry: / Retry-After is ignored: the policy wait applies', () => {
    for (const bad of [-1, -Infinity, Number.NaN]) {
      expect(computeReconnectDelay(policy({ jitter: 0 }), 1, { serverRetry: bad })).toBe(1000);
      expect(computeReconnectDelay(policy({ jitter: 0 }), 3, { retryAfter: bad })).toBe(4000);
    }
  });

  it('every strategy, retry number, hint and random draw gives a whole number in [0, MAX_DELAY]', () => {
    const draws = [0, 0.3, 0.999_999, Number.NaN, -1, 2];
    for (const strategy of strategies) {
      for (const retry of [Number.NaN, -3, 0, 1, 2, 50, Number.POSITIVE_INFINITY]) {
        for (const serverRetry of [undefined, ...hostile]) {
          for (const retryAfter of [undefined, ...hostile]) {
            for (const draw of draws) {
              const wait = computeReconnectDelay(
                policy({ strategy }),
                retry,
                { serverRetry, retryAfter },
                () => draw,
              );
              expect(
                Number.isInteger(wait),
                `${strategy} ${retry} ${serverRetry} ${retryAfter} ${draw}`,
              ).toBe(true);
              expect(wait).toBeGreaterThanOrEqual(0);
              expect(wait).toBeLessThanOrEqual(MAX_DELAY);
              // Never below what the policy itself allows: jitter's floor d·(1 − j), or the server's retry:.
              if (strategy === 'exponential' && serverRetry === undefined && retry === 1) {
                expect(wait).toBeGreaterThanOrEqual(800);
              }
            }
          }
        }
      }
    }
  });

  it('a policy given NaN or negative numbers (a machine created without validation) falls back to the defaults', () => {
    const broken = policy({ initialDelay: Number.NaN, maxDelay: -1, jitter: Number.NaN });
    expect(computeReconnectDelay(broken, 1, {}, () => 0)).toBe(1000);
    expect(computeReconnectDelay(broken, 10, {}, () => 0)).toBe(30_000);
  });

  it('on the machine: retry: Infinity then a failure plans MAX_DELAY and makes no attempt in the next hour', () => {
    const h = createHarness();
    h.actor.send({ type: 'CONNECT' });
    h.open();
    h.progress({ retry: fourHundredDigits });
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.nextDelay).toBe(MAX_DELAY);
    h.advance(3_600_000);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.starts).toHaveLength(1);
    h.advance(MAX_DELAY);
    expect(h.starts).toHaveLength(2);
  });

  it('on the machine: maxAttempts 3 with a NaN retry: makes exactly 3 reconnects, each the policy wait', () => {
    const h = createHarness({ reconnect: { maxAttempts: 3, jitter: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.open();
    h.progress({ retry: Number.NaN });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.fail('NETWORK', true);
      waits.push(waitOut(h));
    }
    h.fail('NETWORK', true);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.starts).toHaveLength(4);
  });
});
