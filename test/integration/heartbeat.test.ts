import { describe, expect, it } from 'vitest';
import {
  FAST_RECONNECT,
  nextError,
  recordErrors,
  recordStates,
  useServer,
  waitForState,
} from '../helpers/harness.js';

const h = useServer();

/**
 * The server's own pacing between keep-alive comments. This is the behaviour under test (a slow
 * but alive server), not synchronisation: every assertion waits on client events.
 */
function serverPause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('heartbeatTimeout', () => {
  it('drops a silent connection with HEARTBEAT_TIMEOUT and reconnects', async () => {
    const client = h.client('/events', { heartbeatTimeout: 300, reconnect: FAST_RECONNECT });
    const timedOut = nextError(client);
    const first = await h.server.nextRequest('/events');
    first.open();
    await waitForState(client, 'connected');
    const error = await timedOut;
    expect(error.code).toBe('HEARTBEAT_TIMEOUT');
    const second = await h.server.nextRequest('/events');
    second.open();
    await waitForState(client, 'connected');
    expect(client.metrics().reconnects).toBe(1);
  });

  it('stays connected across more than 3 timeouts while keep-alive comments flow', async () => {
    const heartbeatTimeout = 400;
    const client = h.client('/events', { heartbeatTimeout, reconnect: FAST_RECONNECT });
    const errors = recordErrors(client);
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    const states = recordStates(client);
    const started = performance.now();
    while (performance.now() - started < 3.25 * heartbeatTimeout) {
      await request.write(':\n');
      await serverPause(100);
    }
    expect(errors).toEqual([]);
    expect(states).toEqual([]);
    expect(client.state).toBe('connected');
    expect(h.server.received).toHaveLength(1);
  });

  it('idleEventTimeout fires on a stream of comments only, with IDLE_EVENT_TIMEOUT', async () => {
    const client = h.client('/events', {
      heartbeatTimeout: 5_000,
      idleEventTimeout: 300,
      reconnect: FAST_RECONNECT,
    });
    const timedOut = nextError(client);
    let done = false;
    void timedOut.then(() => {
      done = true;
    });
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    // Comments keep the heartbeat alive but dispatch no event.
    while (!done) {
      await request.write(': still here\n').catch(() => undefined);
      await serverPause(50);
    }
    const error = await timedOut;
    expect(error.code).toBe('IDLE_EVENT_TIMEOUT');
    await h.server.nextRequest('/events');
  });
});
