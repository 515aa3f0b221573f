/**
 * Every transition of the statechart table (ARCHITECTURE.md §3), driven with a fake stream actor
 * and a SimulatedClock. Reconnect jitter is 0 so delays are exact.
 */
import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../src/parser/types.js';
import { createHarness, stateOf } from './harness.js';

const noJitter = { jitter: 0 } as const;

function connected(input: Parameters<typeof createHarness>[0] = {}) {
  const h = createHarness({ ...input, reconnect: { ...noJitter, ...input.reconnect } });
  h.actor.send({ type: 'CONNECT' });
  h.open();
  return h;
}

describe('idle and connecting', () => {
  it('starts idle without a stream, CONNECT enters active.connecting and starts attempt 1', () => {
    const h = createHarness({ lastEventId: 'seed', headers: { a: 'b' }, connectTimeout: 5000 });
    expect(stateOf(h.actor)).toBe('idle');
    expect(h.starts).toHaveLength(0);
    h.actor.send({ type: 'CONNECT' });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.starts).toEqual([
      {
        url: 'http://sse.test/',
        attempt: 1,
        lastEventId: 'seed',
        method: 'GET',
        headers: { a: 'b' },
        body: undefined,
        maxEventSize: 16 * 1024 * 1024,
        connectTimeout: 5000,
      },
    ]);
    expect(h.actor.getSnapshot().context.attempt).toBe(1);
  });

  it('STREAM.OPEN moves connecting to connected without restarting the stream', () => {
    const h = connected();
    expect(stateOf(h.actor)).toBe('active.connected');
    expect(h.actor.getSnapshot().matches({ active: { connected: { heartbeat: 'live' } } })).toBe(true);
    expect(h.starts).toHaveLength(1);
    expect(h.cleanups).toEqual([]);
  });

  it('CONNECT and RETRY while active neither restart nor duplicate the stream', () => {
    const h = createHarness();
    h.actor.send({ type: 'CONNECT' });
    h.actor.send({ type: 'CONNECT' });
    h.actor.send({ type: 'RETRY' });
    h.open();
    h.actor.send({ type: 'CONNECT' });
    expect(stateOf(h.actor)).toBe('active.connected');
    expect(h.starts).toHaveLength(1);
    expect(h.cleanups).toEqual([]);
  });

  it('connectTimeout with retries left goes to reconnecting with CONNECT_TIMEOUT', () => {
    const h = createHarness({ connectTimeout: 1000, reconnect: noJitter });
    h.actor.send({ type: 'CONNECT' });
    h.advance(999);
    expect(stateOf(h.actor)).toBe('active.connecting');
    h.advance(1);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({ code: 'CONNECT_TIMEOUT', attempt: 1 });
    expect(h.cleanups).toEqual([1]);
  });

  it('connectTimeout without retries left goes to failed with RECONNECT_EXHAUSTED', () => {
    const h = createHarness({ connectTimeout: 1000, reconnect: { ...noJitter, maxAttempts: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.advance(1000);
    expect(stateOf(h.actor)).toBe('failed');
    const { lastError } = h.actor.getSnapshot().context;
    expect(lastError?.code).toBe('RECONNECT_EXHAUSTED');
    expect(lastError?.cause).toMatch(/^CONNECT_TIMEOUT: /);
  });

  it('connectTimeout 0 disables the timer', () => {
    const h = createHarness({ connectTimeout: 0 });
    h.actor.send({ type: 'CONNECT' });
    h.advance(0);
    h.advance(24 * 3600_000);
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.starts).toHaveLength(1);
    expect(h.actor.getSnapshot().context.lastError).toBeUndefined();
  });
});

describe('connected: heartbeat and event flow', () => {
  it('PROGRESS restarts the heartbeat timer without restarting the stream invoke', () => {
    const h = connected({ heartbeatTimeout: 1000 });
    h.advance(999);
    h.progress();
    h.advance(999);
    h.progress();
    h.advance(999);
    expect(stateOf(h.actor)).toBe('active.connected');
    expect(h.starts).toHaveLength(1);
    expect(h.cleanups).toEqual([]);
    h.advance(1);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({ code: 'HEARTBEAT_TIMEOUT', attempt: 1 });
    expect(h.cleanups).toEqual([1]);
  });

  it('heartbeatTimeout without retries left goes to failed', () => {
    const h = connected({ heartbeatTimeout: 1000, reconnect: { maxAttempts: 0 } });
    h.advance(1000);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({
      code: 'RECONNECT_EXHAUSTED',
      cause: expect.stringMatching(/^HEARTBEAT_TIMEOUT: /),
    });
  });

  it('heartbeatTimeout 0 disables the timer', () => {
    const h = connected({ heartbeatTimeout: 0 });
    h.advance(0);
    h.progress();
    h.advance(0);
    h.advance(24 * 3600_000);
    expect(stateOf(h.actor)).toBe('active.connected');
  });

  it('idleEventTimeout is reset only by PROGRESS that dispatched events', () => {
    const h = connected({ heartbeatTimeout: 0, idleEventTimeout: 1000 });
    h.advance(900);
    h.progress({ dispatched: 1 });
    h.advance(900);
    // Comments and partial chunks keep the socket alive but do not count as events.
    h.progress({ dispatched: 0 });
    h.advance(99);
    expect(stateOf(h.actor)).toBe('active.connected');
    h.advance(1);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({ code: 'IDLE_EVENT_TIMEOUT' });
  });

  it('idleEventTimeout without retries left goes to failed', () => {
    const h = connected({ heartbeatTimeout: 0, idleEventTimeout: 500, reconnect: { strategy: 'none' } });
    h.advance(500);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({
      code: 'RECONNECT_EXHAUSTED',
      cause: expect.stringMatching(/^IDLE_EVENT_TIMEOUT: /),
    });
  });

  it('idleEventTimeout defaults to off', () => {
    const h = connected({ heartbeatTimeout: 0 });
    h.advance(24 * 3600_000);
    expect(stateOf(h.actor)).toBe('active.connected');
  });

  it('PROGRESS commits lastEventId (empty string included) and keeps it when absent', () => {
    const h = connected();
    h.progress({ lastEventId: '7' });
    expect(h.actor.getSnapshot().context.lastEventId).toBe('7');
    h.progress();
    expect(h.actor.getSnapshot().context.lastEventId).toBe('7');
    // An `id:` line with an empty value resets the cursor.
    h.progress({ lastEventId: '' });
    expect(h.actor.getSnapshot().context.lastEventId).toBe('');
  });

  it('emits sse.event for every event carried by PROGRESS, in order', () => {
    const h = connected();
    const seen: SseEvent[] = [];
    h.actor.on('sse.event', ({ event }) => seen.push(event));
    const events: SseEvent[] = [
      { type: 'message', data: 'a', lastEventId: '1' },
      { type: 'tick', data: 'b\nc', lastEventId: '2' },
    ];
    h.progress({ dispatched: 2, events, lastEventId: '2' });
    h.progress({ dispatched: 0 });
    expect(seen).toEqual(events);
  });
});

describe('errors and end of stream', () => {
  it('a fatal STREAM.ERROR goes to failed keeping the transport error', () => {
    const h = connected();
    h.fail('BAD_CONTENT_TYPE', false);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({ code: 'BAD_CONTENT_TYPE', attempt: 1 });
    expect(h.cleanups).toEqual([1]);
  });

  it('a fatal STREAM.ERROR while connecting goes to failed', () => {
    const h = createHarness();
    h.actor.send({ type: 'CONNECT' });
    h.fail('NO_CONTENT', false);
    expect(stateOf(h.actor)).toBe('failed');
  });

  it('a retryable STREAM.ERROR goes to reconnecting', () => {
    const h = connected();
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context).toMatchObject({
      lastError: { code: 'NETWORK' },
      retries: 1,
      nextDelay: 1000,
    });
  });

  it('a retryable STREAM.ERROR without retries left goes to failed with RECONNECT_EXHAUSTED', () => {
    const h = connected({ reconnect: { maxAttempts: 0 } });
    h.fail('HTTP_STATUS', true);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({
      code: 'RECONNECT_EXHAUSTED',
      cause: 'HTTP_STATUS: test HTTP_STATUS',
    });
  });

  it.each([
    ['always', undefined, 'reconnecting'],
    ['always', '5', 'reconnecting'],
    ['never', undefined, 'closed'],
    ['never', '5', 'closed'],
    ['if-resumable', undefined, 'closed'],
    ['if-resumable', '5', 'reconnecting'],
  ] as const)('STREAM.END with reconnectOnEnd %s and lastEventId %s → %s', (policy, id, expected) => {
    const h = connected({ reconnectOnEnd: policy });
    if (id !== undefined) h.progress({ dispatched: 1, lastEventId: id });
    h.end();
    expect(stateOf(h.actor)).toBe(expected);
    expect(h.actor.getSnapshot().status).toBe(expected === 'closed' ? 'done' : 'active');
    expect(h.cleanups).toEqual([1]);
  });

  it('reconnectOnEnd if-resumable counts a lastEventId given as input', () => {
    const h = connected({ reconnectOnEnd: 'if-resumable', lastEventId: 'from-storage' });
    h.end();
    expect(stateOf(h.actor)).toBe('reconnecting');
  });

  it('STREAM.END without retries left goes to failed', () => {
    const h = connected({ reconnect: { strategy: 'none' } });
    h.end();
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError?.code).toBe('RECONNECT_EXHAUSTED');
  });

  // STREAM.* events are the stream actor's protocol with its parent: an attempt's events can only come
  // from that attempt's actor, and XState drops what a stopped actor sends back. That is what makes
  // late callbacks of an aborted attempt harmless; the chart does not compare attempt ids itself.
  it('events from a stopped attempt are dropped', () => {
    const h = connected();
    const stale = h.senders[0]!;
    h.fail('NETWORK', true);
    h.advance(1000);
    expect(stateOf(h.actor)).toBe('active.connecting');
    stale({ type: 'STREAM.OPEN', attempt: 1, status: 200, url: 'http://sse.test/', headers: {} });
    stale({
      type: 'STREAM.ERROR',
      attempt: 1,
      error: { name: 'SseError', code: 'NETWORK', message: 'late' },
      retryable: false,
    });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.actor.getSnapshot().context.attempt).toBe(2);
  });
});

describe('reconnecting and failed', () => {
  it('after reconnectDelay starts a new attempt resuming from the committed lastEventId', () => {
    const h = connected();
    h.progress({ dispatched: 1, lastEventId: '42' });
    h.fail('NETWORK', true);
    h.advance(999);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.starts).toHaveLength(1);
    h.advance(1);
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.starts.map((s) => [s.attempt, s.lastEventId])).toEqual([
      [1, ''],
      [2, '42'],
    ]);
    h.open();
    expect(stateOf(h.actor)).toBe('active.connected');
  });

  it('RETRY skips the wait', () => {
    const h = connected();
    h.fail('NETWORK', true);
    h.actor.send({ type: 'RETRY' });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.attempt()).toBe(2);
    // The cancelled reconnect timer must not start a third attempt.
    h.advance(1000);
    expect(h.starts).toHaveLength(2);
  });

  it.each(['RETRY', 'CONNECT'] as const)('failed + %s → connecting with retries reset', (type) => {
    const h = connected({ reconnect: { maxAttempts: 1 } });
    h.fail('NETWORK', true);
    h.advance(1000);
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context).toMatchObject({ retries: 1, waited: 1000 });
    h.actor.send({ type });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.actor.getSnapshot().context).toMatchObject({ retries: 0, waited: 0, attempt: 3 });
    // With retries reset, one more reconnect is allowed, starting from the initial delay.
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.nextDelay).toBe(1000);
  });

  it('serverRetry from PROGRESS.retry persists across connections', () => {
    const h = connected();
    h.progress({ retry: 2500 });
    expect(h.actor.getSnapshot().context.serverRetry).toBe(2500);
    h.fail('NETWORK', true);
    expect(h.actor.getSnapshot().context.nextDelay).toBe(2500);
    h.advance(2500);
    h.open();
    h.progress({ dispatched: 1, lastEventId: 'x' });
    expect(h.actor.getSnapshot().context.serverRetry).toBe(2500);
    h.fail('NETWORK', true);
    // Second reconnect in a row: exponential growth on the server's base.
    expect(h.actor.getSnapshot().context.nextDelay).toBe(5000);
  });
});

describe('CLOSE', () => {
  const cases: [string, (h: ReturnType<typeof createHarness>) => void, number[]][] = [
    ['idle', () => undefined, []],
    ['active.connecting', (h) => h.actor.send({ type: 'CONNECT' }), [1]],
    [
      'active.connected',
      (h) => {
        h.actor.send({ type: 'CONNECT' });
        h.open();
      },
      [1],
    ],
    [
      'reconnecting',
      (h) => {
        h.actor.send({ type: 'CONNECT' });
        h.fail('NETWORK', true);
      },
      [1],
    ],
    [
      'failed',
      (h) => {
        h.actor.send({ type: 'CONNECT' });
        h.fail('NO_CONTENT', false);
      },
      [1],
    ],
  ];

  it.each(cases)('from %s → closed (done), stream stopped, nothing restarts', (from, reach, cleanups) => {
    const h = createHarness({ reconnect: noJitter, heartbeatTimeout: 1000, connectTimeout: 1000 });
    reach(h);
    expect(stateOf(h.actor)).toBe(from);
    const started = h.starts.length;
    h.actor.send({ type: 'CLOSE' });
    expect(stateOf(h.actor)).toBe('closed');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.cleanups).toEqual(cleanups);
    // Every timer is cancelled: a done actor never starts another stream.
    h.advance(60_000);
    expect(h.starts).toHaveLength(started);
    expect(stateOf(h.actor)).toBe('closed');
  });
});
