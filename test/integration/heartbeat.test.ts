/**
 * heartbeatTimeout and idleEventTimeout against a real server, with the client's time on a
 * `SimulatedClock`: the server's bytes travel on real sockets, the client's timers fire only when
 * the test advances the clock, so "no bytes for 300 ms" means exactly that, however loaded the
 * machine is.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../helpers/clock.js';
import {
  bytesReceived,
  FAST_RECONNECT,
  nextError,
  recordErrors,
  recordStates,
  useServer,
  waitForState,
} from '../helpers/harness.js';

const h = useServer();

describe('heartbeatTimeout', () => {
  it('drops a silent connection with HEARTBEAT_TIMEOUT and reconnects', async () => {
    const clock = new SimulatedClock();
    const client = h.client('/events', { clock, heartbeatTimeout: 300, reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    await waitForState(client, 'connected');
    const errors = recordErrors(client);
    clock.increment(299);
    expect(errors, 'no HEARTBEAT_TIMEOUT 1 ms before heartbeatTimeout').toEqual([]);
    expect(client.state).toBe('connected');
    const timedOut = nextError(client);
    clock.increment(1);
    const error = await timedOut;
    expect(error.code).toBe('HEARTBEAT_TIMEOUT');
    expect(client.state).toBe('reconnecting');
    clock.increment(FAST_RECONNECT.initialDelay);
    const second = await h.server.nextRequest('/events');
    second.open();
    await waitForState(client, 'connected');
    expect(client.metrics().reconnects).toBe(1);
  });

  it('stays connected across more than 3 timeouts while keep-alive comments flow', async () => {
    const clock = new SimulatedClock();
    const heartbeatTimeout = 400;
    const client = h.client('/events', { clock, heartbeatTimeout, reconnect: FAST_RECONNECT });
    const errors = recordErrors(client);
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    const states = recordStates(client);
    // A comment every 100 ms of client time, for 3.25 heartbeat periods: each is read before the
    // clock moves on.
    let sent = 0;
    for (let elapsed = 0; elapsed < 3.25 * heartbeatTimeout; elapsed += 100) {
      await request.write(':\n');
      sent += 2;
      await bytesReceived(client, sent);
      clock.increment(100);
    }
    expect(errors).toEqual([]);
    expect(states).toEqual([]);
    expect(client.state).toBe('connected');
    expect(h.server.received).toHaveLength(1);
  });

  it('idleEventTimeout fires on a stream of comments only, with IDLE_EVENT_TIMEOUT', async () => {
    const clock = new SimulatedClock();
    const client = h.client('/events', {
      clock,
      heartbeatTimeout: 5_000,
      idleEventTimeout: 300,
      reconnect: FAST_RECONNECT,
    });
    const errors = recordErrors(client);
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    // Comments keep the heartbeat alive but dispatch no event: every 50 ms of client time, until
    // the idle-event timer has had its 300 ms.
    const comment = ': still here\n';
    let sent = 0;
    for (let elapsed = 0; elapsed < 300; elapsed += 50) {
      expect(errors, `no error before idleEventTimeout (at ${elapsed} ms)`).toEqual([]);
      await request.write(comment);
      sent += comment.length;
      await bytesReceived(client, sent);
      clock.increment(50);
    }
    expect(errors.map((error) => error.code)).toEqual(['IDLE_EVENT_TIMEOUT']);
    const [error] = errors;
    expect(error?.code).toBe('IDLE_EVENT_TIMEOUT');
    clock.increment(FAST_RECONNECT.initialDelay);
    await h.server.nextRequest('/events');
  });
});
