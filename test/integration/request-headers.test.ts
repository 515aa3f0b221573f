import { describe, expect, it } from 'vitest';
import { FAST_RECONNECT, nextEvents, useServer, waitForState } from '../helpers/harness.js';

const h = useServer();

/** The raw value of a request header as bytes: node decodes header values as latin1, one char per byte. */
function rawHeaderBytes(rawHeaders: readonly string[], name: string): Buffer | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) return Buffer.from(rawHeaders[i + 1] as string, 'latin1');
  }
  return undefined;
}

describe('request headers and body on the wire', () => {
  it('asks for an event stream and no cached copy', async () => {
    h.client('/events');
    const request = await h.server.nextRequest('/events');
    expect(request.method).toBe('GET');
    expect(request.headers.accept).toBe('text/event-stream');
    expect(request.headers['cache-control']).toBe('no-cache');
    expect(request.headers['last-event-id']).toBeUndefined();
  });

  it('sends static user headers on every attempt, next to the defaults', async () => {
    h.client('/events', {
      headers: { 'X-Tenant': 'acme', Authorization: 'Bearer static' },
      reconnect: FAST_RECONNECT,
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const request = await h.server.nextRequest('/events');
      expect(request.headers['x-tenant']).toBe('acme');
      expect(request.headers.authorization).toBe('Bearer static');
      expect(request.headers.accept).toBe('text/event-stream');
      // A failing attempt makes the client come back for the second round.
      request.respond(503);
    }
  });

  it('calls an async header function once per attempt, so attempt 2 carries a refreshed token', async () => {
    const calls: number[] = [];
    h.client('/events', {
      headers: async (attempt) => {
        calls.push(attempt);
        await Promise.resolve();
        return [['authorization', `Bearer token-${attempt}`]];
      },
      reconnect: FAST_RECONNECT,
    });
    const first = await h.server.nextRequest('/events');
    expect(first.headers.authorization).toBe('Bearer token-1');
    first.respond(503);
    const second = await h.server.nextRequest('/events');
    expect(second.headers.authorization).toBe('Bearer token-2');
    expect(calls).toEqual([1, 2]);
  });

  it('a header function that rejects is a REQUEST error, retried, with no request sent for it', async () => {
    const client = h.client('/events', {
      headers: async (attempt) => {
        if (attempt === 1) throw new Error('token service down');
        return { authorization: `Bearer token-${attempt}` };
      },
      reconnect: FAST_RECONNECT,
    });
    const errors: { code: string; message: string; attempt: number | undefined }[] = [];
    client.on('error', (error) =>
      errors.push({ code: error.code, message: error.message, attempt: error.attempt }),
    );
    const request = await h.server.nextRequest('/events');
    expect(request.headers.authorization).toBe('Bearer token-2');
    expect(errors).toEqual([
      {
        code: 'REQUEST',
        message: 'could not build the request for attempt 1: token service down',
        attempt: 1,
      },
    ]);
    expect(h.server.received.filter((r) => r.pathname === '/events')).toHaveLength(1);
  });

  it('re-sends a POST with a JSON body identically on a reconnect', async () => {
    const body = JSON.stringify({ prompt: 'Grüße, 世界', n: 3 });
    const client = h.client('/chat', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      reconnect: FAST_RECONNECT,
    });
    const first = await h.server.nextRequest('/chat');
    expect(first.method).toBe('POST');
    expect(first.body).toBe(body);
    expect(first.headers['content-type']).toBe('application/json');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('id: 1\ndata: token\n\n');
    await received;
    first.destroy();
    const second = await h.server.nextRequest('/chat');
    expect(second.method).toBe('POST');
    expect(second.body).toBe(body);
    expect(second.headers['content-type']).toBe('application/json');
    expect(second.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(second.headers['last-event-id']).toBe('1');
  });

  it('re-sends a byte body and a body function on every attempt', async () => {
    let made = 0;
    h.client('/bytes', {
      method: 'POST',
      body: () => {
        made++;
        return new TextEncoder().encode('payload');
      },
      reconnect: FAST_RECONNECT,
    });
    const first = await h.server.nextRequest('/bytes');
    expect(first.body).toBe('payload');
    first.respond(500);
    const second = await h.server.nextRequest('/bytes');
    expect(second.body).toBe('payload');
    expect(made).toBe(2);
  });

  it('omits Last-Event-ID on the first request and sends the last id after', async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    expect(first.headers['last-event-id']).toBeUndefined();
    first.open();
    const received = nextEvents(client, 2);
    await first.write('id: a\ndata: 1\n\nid: b\ndata: 2\n\n');
    await received;
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('b');
  });

  it('seeds Last-Event-ID from the lastEventId option on the first request', async () => {
    const client = h.client('/events', { lastEventId: '41' });
    const first = await h.server.nextRequest('/events');
    expect(first.headers['last-event-id']).toBe('41');
    expect(client.lastEventId).toBe('41');
  });

  it('writes a non-ASCII id as UTF-8 bytes on the wire (received and seeded)', async () => {
    const id = 'café-✓-𝄞';
    const utf8 = Buffer.from(id, 'utf8');
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write(`id: ${id}\ndata: x\n\n`);
    expect((await received)[0]?.lastEventId).toBe(id);
    await first.end();
    const second = await h.server.nextRequest('/events');
    expect(rawHeaderBytes(second.req.rawHeaders, 'last-event-id')).toEqual(utf8);
    client.close();
    await waitForState(client, 'closed');

    h.client('/seeded', { lastEventId: id });
    const seeded = await h.server.nextRequest('/seeded');
    expect(rawHeaderBytes(seeded.req.rawHeaders, 'last-event-id')).toEqual(utf8);
  });
});
