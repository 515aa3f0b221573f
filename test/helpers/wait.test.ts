/**
 * The waits fail with what was awaited and what was seen instead of hanging until vitest's test
 * timeout. (The only real time here is each wait's own deadline, set short.)
 */
import { describe, expect, it } from 'vitest';
import { nextError, nextOf, socketsOpen, until, useServer, waitForState } from './harness.js';

const h = useServer();
const timeout = 20;

describe('waits fail with a message', () => {
  it('waitForState names the state awaited, the current one and those passed through', async () => {
    const client = h.client('/events', { autoConnect: false });
    await expect(waitForState(client, 'connected', { timeout })).rejects.toThrow(
      /^waited 20 ms for client state 'connected'; it is 'idle' \(states since the wait began: \[\]\)$/,
    );
  });

  it('nextOf names the count and type awaited and lists what did arrive', async () => {
    const client = h.client('/events');
    const request = await h.server.nextRequest('/events');
    request.open();
    const two = nextOf(client, 'message', 2, { timeout: 1_000 });
    await request.write('data: only one\n\n');
    await expect(two).rejects.toThrow(
      /for 2 'message' value\(s\); got 1: \[.*"data":"only one".*\]; client state 'connected'/,
    );
  });

  it('nextError lists the errors that did not match', async () => {
    const client = h.client('/events', { reconnect: { initialDelay: 60_000, jitter: 0 } });
    const wanted = nextError(
      client,
      function isTimeout(error) {
        return error.code === 'HEARTBEAT_TIMEOUT';
      },
      { timeout: 1_000 },
    );
    (await h.server.nextRequest('/events')).respond(503);
    await expect(wanted).rejects.toThrow(
      /for an error \(isTimeout\); errors seen: \[HTTP_STATUS: .*\]; client state 'reconnecting'/,
    );
  });

  it('until and socketsOpen say what they saw', async () => {
    await expect(
      until(
        'a condition',
        () => false,
        () => 'it was false',
        { timeout },
      ),
    ).rejects.toThrow('waited 20 ms for a condition; it was false');
    h.client('/events');
    (await h.server.nextRequest('/events')).open();
    await expect(socketsOpen(h.server, 0, { timeout })).rejects.toThrow(
      'waited 20 ms for 0 open server socket(s); 1 are open',
    );
  });

  it('a wait that is satisfied stops listening at once: nothing is added after it resolves', async () => {
    const client = h.client('/events');
    const request = await h.server.nextRequest('/events');
    request.open();
    const two = nextOf(client, 'message', 2);
    await request.write('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    expect((await two).map((event) => event.data)).toEqual(['1', '2']);
  });
});
