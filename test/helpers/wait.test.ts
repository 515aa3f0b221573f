/**
 * The waits fail with what was awaited and what was seen instead of hanging until vitest's test
 * timeout. (The only real time here is each wait's own deadline, set short.)
 */
import { describe, expect, it } from 'vitest';
import { type SseClient, SseError } from '../../src/index.js';
import { nextError, nextOf, socketsOpen, until, useServer, waitForState } from './harness.js';

const h = useServer();
const timeout = 20;

/** Just enough of a client to emit values by hand: the waits' messages, without any I/O. */
function fakeClient(): SseClient & { emit(type: string, value: unknown): void } {
  const listeners = new Map<string, Set<(value: unknown) => void>>();
  const client = {
    state: 'connected',
    metrics: () => ({ lastError: undefined }),
    on(type: string, listener: (value: unknown) => void) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(type: string, value: unknown) {
      for (const listener of listeners.get(type) ?? []) listener(value);
    },
  };
  return client as unknown as SseClient & { emit(type: string, value: unknown): void };
}

describe('waits fail with a message', () => {
  it('waitForState names the state awaited, the current one and those passed through', async () => {
    const client = h.client('/events', { autoConnect: false });
    await expect(waitForState(client, 'connected', { timeout })).rejects.toThrow(
      /^waited 20 ms for client state 'connected'; it is 'idle' \(states since the wait began: \[\]\)$/,
    );
  });

  it('nextOf names the count and type awaited and lists what did arrive', async () => {
    const client = fakeClient();
    const two = nextOf(client, 'message', 2, { timeout });
    client.emit('message', { type: 'message', data: 'only one', lastEventId: '' });
    await expect(two).rejects.toThrow(
      /^waited 20 ms for 2 'message' value\(s\); got 1: \[\{"type":"message","data":"only one","id":""\}\]; client state 'connected'/,
    );
  });

  it('nextError lists the errors that did not match', async () => {
    const client = fakeClient();
    const wanted = nextError(
      client,
      function isTimeout(error) {
        return error.code === 'HEARTBEAT_TIMEOUT';
      },
      { timeout },
    );
    client.emit('error', new SseError('HTTP_STATUS', 'status 503', { status: 503 }));
    await expect(wanted).rejects.toThrow(
      /^waited 20 ms for an error \(isTimeout\); errors seen: \[HTTP_STATUS: .*503.*\]; client state 'connected'$/,
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
