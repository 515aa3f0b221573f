/**
 * connectTimeout against a server that parks the request (never sends headers), with the client's
 * time on a `SimulatedClock`: the timeout fires when the test advances the clock to it, not before.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../helpers/clock.js';
import { FAST_RECONNECT, nextError, recordErrors, useServer, waitForState } from '../helpers/harness.js';

const h = useServer();

describe('connectTimeout', () => {
  it('gives up on a server that never answers the headers and sends a new request', async () => {
    const clock = new SimulatedClock();
    const client = h.client('/events', { clock, connectTimeout: 200, reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    const firstClosed = once(first.res, 'close');
    const errors = recordErrors(client);
    clock.increment(199);
    expect(errors, 'no CONNECT_TIMEOUT 1 ms before connectTimeout').toEqual([]);
    expect(client.state).toBe('connecting');
    const timedOut = nextError(client);
    clock.increment(1);
    const error = await timedOut;
    expect(error.code).toBe('CONNECT_TIMEOUT');
    expect(error.attempt).toBe(1);
    // The abandoned request is aborted, not left hanging on the server.
    await firstClosed;
    clock.increment(FAST_RECONNECT.initialDelay);
    const second = await h.server.nextRequest('/events');
    second.open();
    await waitForState(client, 'connected');
    expect(client.metrics().reconnects).toBe(1);
  });

  it('fails with RECONNECT_EXHAUSTED when no attempt ever gets headers and retries are capped', async () => {
    const clock = new SimulatedClock();
    const client = h.client('/events', {
      clock,
      connectTimeout: 100,
      reconnect: { ...FAST_RECONNECT, maxAttempts: 1 },
    });
    const codes: string[] = [];
    client.on('error', (error) => codes.push(error.code));
    await h.server.nextRequest('/events');
    clock.increment(100);
    expect(client.state).toBe('reconnecting');
    clock.increment(FAST_RECONNECT.initialDelay);
    await h.server.nextRequest('/events');
    clock.increment(100);
    await waitForState(client, 'failed');
    // Each attempt's timeout, then the decision to stop (which carries the last one as its cause).
    expect(codes).toEqual(['CONNECT_TIMEOUT', 'CONNECT_TIMEOUT', 'RECONNECT_EXHAUSTED']);
    expect(h.server.received).toHaveLength(2);
  });
});
