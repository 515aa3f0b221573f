import { describe, expect, it } from 'vitest';
import { nextOf, useServer } from '../helpers/harness.js';

// Every test gets a fresh loopback server; its clients are closed after it.
const h = useServer();

describe('createSseClient against a real server', () => {
  it('connects, receives events, reconnects with Last-Event-ID after a clean end', async () => {
    const client = h.client('/events', { reconnect: { initialDelay: 1, jitter: 0 } });
    const first = await h.server.nextRequest('/events');
    expect(first.headers.accept).toBe('text/event-stream');
    expect(first.headers['last-event-id']).toBeUndefined();
    first.open();
    const received = nextOf(client, 'message', 2);
    await first.write('id: 1\ndata: one\n\nid: 2\ndata: two\n\n');
    expect((await received).map((e) => e.data)).toEqual(['one', 'two']);
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('2');
    expect(client.lastEventId).toBe('2');
    client.close();
    expect(client.state).toBe('closed');
  });
});
