/**
 * Every transition of the statechart table (ARCHITECTURE.md §3), driven with a fake stream actor
 * and a SimulatedClock. Reconnect jitter is 0 so delays are exact.
 */
import { describe, expect, it } from 'vitest';
import { SseError } from '../../src/errors.js';
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
        heartbeatTimeout: 45_000,
        idleEventTimeout: 0,
        retries: 0,
        waited: 0,
      },
    ]);
    expect(h.actor.getSnapshot().context.attempt).toBe(1);
  });

  it('STREAM.OPEN moves connecting to connected without restarting the stream', () => {
    const h = connected();
    expect(stateOf(h.actor)).toBe('active.connected');
    expect(h.actor.getSnapshot().matches({ active: { connected: { reading: 'flowing' } } })).toBe(true);
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

  it('the stream reports connectTimeout: with retries left the chart reconnects with CONNECT_TIMEOUT', () => {
    const h = createHarness({ connectTimeout: 1000, reconnect: noJitter });
    h.actor.send({ type: 'CONNECT' });
    expect(h.starts[0]).toMatchObject({
      connectTimeout: 1000,
      heartbeatTimeout: 45_000,
      idleEventTimeout: 0,
    });
    h.timeout('connectTimeout');
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({ code: 'CONNECT_TIMEOUT', attempt: 1 });
    expect(h.cleanups).toEqual([1]);
  });

  it('connectTimeout without retries left goes to failed with RECONNECT_EXHAUSTED, the timeout as cause', () => {
    const h = createHarness({ connectTimeout: 1000, reconnect: { ...noJitter, maxAttempts: 0 } });
    h.actor.send({ type: 'CONNECT' });
    h.timeout('connectTimeout');
    expect(stateOf(h.actor)).toBe('failed');
    const { lastError } = h.actor.getSnapshot().context;
    expect(lastError?.code).toBe('RECONNECT_EXHAUSTED');
    expect(lastError?.cause).toMatchObject({ code: 'CONNECT_TIMEOUT' });
  });

  it('the chart schedules no timer of its own while connecting or connected (only resetAfter)', () => {
    const h = createHarness({ connectTimeout: 0 });
    h.actor.send({ type: 'CONNECT' });
    expect(Object.keys(h.actor.system.getSnapshot()._scheduledEvents)).toEqual([]);
    h.open();
    const scheduled = Object.values(h.actor.system.getSnapshot()._scheduledEvents).map((e) => e.event.type);
    expect(scheduled).toEqual(['xstate.after.resetAfter.sse.active.connected.stability.settling']);
    h.advance(24 * 3600_000);
    expect(stateOf(h.actor)).toBe('active.connected');
  });
});

describe('connected: silence and backpressure', () => {
  it('PROGRESS neither re-enters a state nor restarts the stream invoke', () => {
    const h = connected({ heartbeatTimeout: 1000 });
    h.progress({ lastEventId: '1' });
    h.progress({ retry: 5 });
    expect(stateOf(h.actor)).toBe('active.connected');
    expect(h.starts).toHaveLength(1);
    expect(h.cleanups).toEqual([]);
  });

  it('heartbeatTimeout from the stream goes to reconnecting with HEARTBEAT_TIMEOUT', () => {
    const h = connected({ heartbeatTimeout: 1000 });
    h.timeout('heartbeatTimeout');
    expect(stateOf(h.actor)).toBe('reconnecting');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({ code: 'HEARTBEAT_TIMEOUT', attempt: 1 });
    expect(h.cleanups).toEqual([1]);
  });

  it('heartbeatTimeout without retries left goes to failed', () => {
    const h = connected({ heartbeatTimeout: 1000, reconnect: { maxAttempts: 0 } });
    h.timeout('heartbeatTimeout');
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({
      code: 'RECONNECT_EXHAUSTED',
      cause: expect.objectContaining({ code: 'HEARTBEAT_TIMEOUT' }),
    });
  });

  it('idleEventTimeout without retries left goes to failed', () => {
    const h = connected({ heartbeatTimeout: 0, idleEventTimeout: 500, reconnect: { strategy: 'none' } });
    h.timeout('idleEventTimeout');
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({
      code: 'RECONNECT_EXHAUSTED',
      cause: expect.objectContaining({ code: 'IDLE_EVENT_TIMEOUT' }),
    });
  });

  it('HOLD moves reading to held and tells the stream; FLOW resumes it', () => {
    const h = connected();
    expect(h.actor.getSnapshot().matches({ active: { connected: { reading: 'flowing' } } })).toBe(true);
    h.actor.send({ type: 'HOLD' });
    expect(h.actor.getSnapshot().matches({ active: { connected: { reading: 'held' } } })).toBe(true);
    h.actor.send({ type: 'FLOW' });
    expect(h.actor.getSnapshot().matches({ active: { connected: { reading: 'flowing' } } })).toBe(true);
    expect(h.commands).toEqual(['HOLD', 'FLOW']);
  });

  it('HOLD and FLOW outside connected change nothing (no stream reads then)', () => {
    const h = createHarness();
    h.actor.send({ type: 'HOLD' });
    h.actor.send({ type: 'CONNECT' });
    h.actor.send({ type: 'HOLD' });
    h.open();
    expect(h.actor.getSnapshot().matches({ active: { connected: { reading: 'flowing' } } })).toBe(true);
    expect(h.commands).toEqual([]);
  });

  it('RECONNECT while connected asks the stream to flush, then starts a new attempt with the cursor', () => {
    const h = connected();
    h.progress({ lastEventId: '9' });
    h.actor.send({ type: 'RECONNECT' });
    expect(h.commands).toEqual(['RESTART']);
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.cleanups).toEqual([1]);
    expect(h.starts.map((start) => [start.attempt, start.lastEventId])).toEqual([
      [1, ''],
      [2, '9'],
    ]);
  });

  it('RECONNECT skips a wait and leaves failed', () => {
    const h = connected({ reconnect: { initialDelay: 10_000 } });
    h.fail('NETWORK', true);
    h.actor.send({ type: 'RECONNECT' });
    expect(stateOf(h.actor)).toBe('active.connecting');
    h.fail('HTTP_STATUS', false);
    expect(stateOf(h.actor)).toBe('failed');
    h.actor.send({ type: 'RECONNECT' });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.starts).toHaveLength(3);
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
    h.progress({ events, lastEventId: '2' });
    h.progress({});
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
      cause: expect.objectContaining({ code: 'HTTP_STATUS', message: 'test HTTP_STATUS' }),
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
    if (id !== undefined) h.progress({ lastEventId: id });
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
    stale({ type: 'STREAM.OPEN', status: 200, url: 'http://sse.test/', headers: {} });
    stale({
      type: 'STREAM.ERROR',
      error: new SseError('NETWORK', 'late'),
      retryable: false,
    });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.actor.getSnapshot().context.attempt).toBe(2);
  });
});

describe('safe POST: an accepted non-GET request is not sent again without a cursor', () => {
  const post = { method: 'POST', body: '{"prompt":"hi"}' } as const;

  it('a drop goes to failed with NOT_RESUMABLE, the drop as cause', () => {
    const h = connected(post);
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('failed');
    expect(h.actor.getSnapshot().context.lastError).toMatchObject({
      code: 'NOT_RESUMABLE',
      attempt: 1,
      message: expect.stringMatching(/POST request was accepted.*resendAccepted: true/),
      cause: expect.objectContaining({ code: 'NETWORK' }),
    });
    expect(h.starts).toHaveLength(1);
  });

  it.each(['heartbeatTimeout', 'idleEventTimeout'] as const)(
    'a %s goes to failed with NOT_RESUMABLE',
    (timer) => {
      const h = connected(post);
      h.timeout(timer);
      expect(stateOf(h.actor)).toBe('failed');
      expect(h.actor.getSnapshot().context.lastError).toMatchObject({
        code: 'NOT_RESUMABLE',
        cause: expect.objectContaining({
          code: timer === 'heartbeatTimeout' ? 'HEARTBEAT_TIMEOUT' : 'IDLE_EVENT_TIMEOUT',
        }),
      });
    },
  );

  it('a clean end goes to closed even with reconnectOnEnd always', () => {
    const h = connected({ ...post, reconnectOnEnd: 'always' });
    h.end();
    expect(stateOf(h.actor)).toBe('closed');
    expect(h.starts).toHaveLength(1);
  });

  it('with a cursor the drop reconnects, and the new attempt carries it', () => {
    const h = connected(post);
    h.progress({ lastEventId: '12' });
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    h.advance(1000);
    expect(h.starts.at(-1)).toMatchObject({ attempt: 2, lastEventId: '12', method: 'POST' });
  });

  it('a cursor given as input counts (resume after a restart)', () => {
    const h = connected({ ...post, lastEventId: 'stored' });
    h.end();
    expect(stateOf(h.actor)).toBe('reconnecting');
  });

  it('resendAccepted: true reconnects as a GET would', () => {
    const h = connected({ ...post, resendAccepted: true });
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    h.advance(1000);
    expect(h.starts).toHaveLength(2);
  });

  it('a failure before the response was accepted is retried (the server did not take the request)', () => {
    const h = createHarness({ ...post, reconnect: noJitter });
    h.actor.send({ type: 'CONNECT' });
    h.fail('HTTP_STATUS', true);
    expect(stateOf(h.actor)).toBe('reconnecting');
    h.advance(1000);
    h.open();
    h.fail('NETWORK', true);
    expect(stateOf(h.actor)).toBe('failed');
  });

  it('GET is never affected, and the user may still RETRY from failed', () => {
    const get = connected();
    get.fail('NETWORK', true);
    expect(stateOf(get.actor)).toBe('reconnecting');
    const h = connected(post);
    h.fail('NETWORK', true);
    h.actor.send({ type: 'RETRY' });
    expect(stateOf(h.actor)).toBe('active.connecting');
    expect(h.starts).toHaveLength(2);
  });
});

describe('reconnecting and failed', () => {
  it('after reconnectDelay starts a new attempt resuming from the committed lastEventId', () => {
    const h = connected();
    h.progress({ lastEventId: '42' });
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
    h.progress({ lastEventId: 'x' });
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
