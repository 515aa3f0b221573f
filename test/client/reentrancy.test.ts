import { describe, expect, it } from 'vitest';
import type { SseClient, SseClientOptions } from '../../src/index.js';
import { useServer } from '../helpers/harness.js';
import { barrier, nextOf, requestsTo, stateReached } from './helpers.js';

// Every test gets a fresh loopback server; its clients are closed after it.
const h = useServer();

function client(options: SseClientOptions = {}, path = '/events'): SseClient {
  return h.client(path, { reconnect: { initialDelay: 1, jitter: 0 }, ...options });
}

describe('calling the client from its own listeners', () => {
  it('close() inside a message listener: no later event of the same chunk is delivered', async () => {
    const c = client();
    const seen: string[] = [];
    c.on('message', (event) => {
      seen.push(event.data);
      if (event.data === '2') c.close();
    });
    const request = await h.server.nextRequest('/events');
    request.open();
    const closed = stateReached(c, 'closed');
    await request.write('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n');
    await closed;
    expect(seen).toEqual(['1', '2']);
    await h.server.waitForSockets(0);
    await barrier(h.server);
    expect(requestsTo(h.server, '/events')).toBe(1);
  });

  it('close() inside an open listener closes for good', async () => {
    const c = client();
    c.on('open', () => c.close());
    const request = await h.server.nextRequest('/events');
    const closed = stateReached(c, 'closed');
    request.open();
    await closed;
    await h.server.waitForSockets(0);
    expect(c.state).toBe('closed');
  });

  it('lastEventId read inside a listener is the id of the event being delivered', async () => {
    const c = client();
    const pairs: [string, string][] = [];
    c.on('message', (event) => pairs.push([event.lastEventId, c.lastEventId]));
    const request = await h.server.nextRequest('/events');
    request.open();
    const three = nextOf(c, 'message', 3);
    await request.write('id: a\ndata: 1\n\nid: b\ndata: 2\n\ndata: 3\n\n');
    await three;
    expect(pairs).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['b', 'b'],
    ]);
  });

  it('state read inside an error listener is the state the error led to', async () => {
    const c = client({ reconnect: { initialDelay: 60_000, jitter: 0 } });
    const states: string[] = [];
    c.on('error', () => states.push(c.state));
    const failed = stateReached(c, 'reconnecting');
    (await h.server.nextRequest('/events')).respond(503);
    await failed;
    c.retry();
    const fatal = stateReached(c, 'failed');
    (await h.server.nextRequest('/events')).respond(404);
    await fatal;
    expect(states).toEqual(['reconnecting', 'failed']);
  });

  it('retry() inside an error listener reconnects at once from a long backoff', async () => {
    const c = client({ reconnect: { initialDelay: 60_000, jitter: 0 } });
    c.on('error', () => c.retry());
    (await h.server.nextRequest('/events')).respond(503);
    const second = await h.server.nextRequest('/events');
    second.open();
    await stateReached(c, 'connected');
    expect(c.metrics().attempt).toBe(2);
    // Without the fix the backoff (60 s) runs: fail fast rather than at the suite's 30 s limit.
  }, 5_000);
});
