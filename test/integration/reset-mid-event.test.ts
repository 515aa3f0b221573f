import { describe, expect, it } from 'vitest';
import type { SseError } from '../../src/errors.js';
import { FAST_RECONNECT, nextError, nextEvents, useServer, waitForState } from '../helpers/harness.js';

// A connection reset in the middle of an event: the half-received event must not be delivered, and
// its id must not become the cursor (the server would otherwise skip it on resumption).
const h = useServer();

describe('connection reset in the middle of an event', () => {
  it('drops the partial event and resumes from the previous id', async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const seen: string[] = [];
    client.on('message', (event) => seen.push(`${event.lastEventId}:${event.data}`));
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('id: 4\ndata: four\n\n');
    await received;
    const broken = nextError(client);
    await first.write('id: 5\ndata: partial');
    first.destroy();
    expect((await broken).code).toBe('NETWORK');
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('4');
    expect(client.lastEventId).toBe('4');
    expect(seen).toEqual(['4:four']);

    // The server resends 5 in full: it arrives once, whole.
    second.open();
    const resent = nextEvents(client, 1);
    await second.write('id: 5\ndata: whole\n\n');
    expect((await resent)[0]).toEqual({ type: 'message', data: 'whole', lastEventId: '5' });
    expect(seen).toEqual(['4:four', '5:whole']);
  });

  it('drops an event cut after its blank-line-less data even when the id line was complete', async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    const received = nextEvents(client, 1);
    await first.write('id: 1\ndata: one\n\nid: 2\ndata: two\n');
    await received;
    const broken = nextError(client);
    first.destroy();
    await broken;
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('1');
  });
});

describe('what a dropped stream is called', () => {
  const s = h;
  it('says the server closed the connection mid-stream, keeping undici’s error as the cause', async () => {
    const client = s.client('/events', { reconnect: { strategy: 'none' } });
    const errors: SseError[] = [];
    client.on('error', (error) => errors.push(error));
    const request = await s.server.nextRequest('/events');
    request.open();
    await request.write('data: half');
    const failed = waitForState(client, 'failed');
    request.destroy();
    await failed;
    const [first] = errors;
    expect(first?.code, `errors seen: ${errors.map((e) => e.code).join(', ')}`).toBe('NETWORK');
    expect(first?.message).toMatch(/the server closed the connection in the middle of the stream$/);
    expect(first?.cause, 'undici’s own error is kept').toBeInstanceOf(Error);
  });
});
