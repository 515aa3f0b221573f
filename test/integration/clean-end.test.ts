import { describe, expect, it, vi } from 'vitest';
import {
  FAST_RECONNECT,
  nextEvents,
  recordErrors,
  settle,
  useServer,
  waitForState,
} from '../helpers/harness.js';

// The server ends the response cleanly: what happens next is the reconnectOnEnd policy.
const h = useServer();

describe('clean end of the stream', () => {
  it("reconnects by default ('always') with Last-Event-ID, without reporting an error", async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const errors = recordErrors(client);
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 2);
    await first.write('id: 1\ndata: one\n\nid: 2\ndata: two\n\n');
    await received;
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('2');
    second.open();
    await waitForState(client, 'connected');
    expect(errors).toEqual([]);
    expect(client.metrics().reconnects).toBe(1);
  });

  it('discards a partial event left at the end of the body', async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const seen: string[] = [];
    client.on('message', (event) => seen.push(event.data));
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('id: 1\ndata: whole\n\nid: 2\ndata: cut');
    await received;
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('1');
    expect(seen).toEqual(['whole']);
    expect(client.lastEventId).toBe('1');
  });

  it("'never' closes the client at the end of the stream (one-shot responses)", async () => {
    const client = h.client('/events', { reconnectOnEnd: 'never', reconnect: FAST_RECONNECT });
    const errors = recordErrors(client);
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('id: 9\ndata: answer\n\n');
    await received;
    await first.end();
    await waitForState(client, 'closed');
    await settle(20);
    expect(h.server.received).toHaveLength(1);
    expect(errors).toEqual([]);
    // Closing a client that already closed itself is silent (the library never prints).
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    try {
      client.close();
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("'if-resumable' closes when no id was ever seen", async () => {
    const client = h.client('/events', { reconnectOnEnd: 'if-resumable', reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('data: no id here\n\n');
    await received;
    await first.end();
    await waitForState(client, 'closed');
    await settle(20);
    expect(h.server.received).toHaveLength(1);
  });

  it("'if-resumable' reconnects with Last-Event-ID once an id was seen", async () => {
    const client = h.client('/events', { reconnectOnEnd: 'if-resumable', reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('id: 7\ndata: resumable\n\n');
    await received;
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('7');
  });

  it("'if-resumable' reconnects when the cursor was seeded by the lastEventId option", async () => {
    h.client('/events', { reconnectOnEnd: 'if-resumable', lastEventId: 's1', reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('s1');
  });
});
