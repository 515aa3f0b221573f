import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FAST_RECONNECT, nextError, useServer, waitForState } from '../helpers/harness.js';

const h = useServer();

describe('connectTimeout', () => {
  it('gives up on a server that never answers the headers and sends a new request', async () => {
    const client = h.client('/events', { connectTimeout: 200, reconnect: FAST_RECONNECT });
    const timedOut = nextError(client);
    const first = await h.server.nextRequest('/events');
    const firstClosed = once(first.res, 'close');
    const error = await timedOut;
    expect(error.code).toBe('CONNECT_TIMEOUT');
    expect(error.attempt).toBe(1);
    // The abandoned request is aborted, not left hanging on the server.
    await firstClosed;
    const second = await h.server.nextRequest('/events');
    second.open();
    await waitForState(client, 'connected');
    expect(client.metrics().reconnects).toBe(1);
  });

  it('fails with RECONNECT_EXHAUSTED when no attempt ever gets headers and retries are capped', async () => {
    const client = h.client('/events', {
      connectTimeout: 100,
      reconnect: { ...FAST_RECONNECT, maxAttempts: 1 },
    });
    const codes: string[] = [];
    client.on('error', (error) => codes.push(error.code));
    await waitForState(client, 'failed');
    expect(codes).toEqual(['CONNECT_TIMEOUT', 'RECONNECT_EXHAUSTED']);
    expect(h.server.received).toHaveLength(2);
  });
});
