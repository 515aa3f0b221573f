import { describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseClientOptions, type SseError } from '../../src/index.js';
import { useServer } from '../helpers/harness.js';
import { nextOf, stateReached } from './helpers.js';

// Every test gets a fresh loopback server; its clients are closed after it.
const h = useServer();

function client(path = '/events', options: SseClientOptions = {}): SseClient {
  return h.client(path, { reconnect: { initialDelay: 1, jitter: 0 }, ...options });
}

describe('on(): SSE event types', () => {
  it("server events named like the client's own events arrive as event:<type>, never as an SseError", async () => {
    const c = client();
    const errors: unknown[] = [];
    const states: unknown[] = [];
    const named: string[] = [];
    c.on('error', (error) => errors.push(error));
    c.on('state', (state) => states.push(state));
    for (const type of ['open', 'error', 'state', 'cursor']) {
      c.on(`event:${type}`, (event) => named.push(`${event.type}:${event.data}`));
    }
    const done = nextOf(c, 'end');
    const request = await h.server.nextRequest('/events');
    request.open();
    await request.write(
      'event: open\ndata: o\n\nevent: error\ndata: e\n\nevent: state\ndata: s\n\nevent: cursor\ndata: c\n\nevent: end\ndata:\n\n',
    );
    await done;
    expect(named).toEqual(['open:o', 'error:e', 'state:s', 'cursor:c']);
    expect(errors).toEqual([]);
    expect(states.every((state) => typeof state === 'string')).toBe(true);
  });

  it('delivers unnamed events to message and named events to their type only', async () => {
    const c = client();
    const messages: string[] = [];
    const pings: string[] = [];
    c.on('message', (event) => messages.push(event.data));
    c.on('ping', (event) => pings.push(`${event.type}:${event.data}`));
    const done = nextOf(c, 'end');
    const request = await h.server.nextRequest('/events');
    request.open();
    await request.write('data: a\n\nevent: ping\ndata: p1\n\ndata: b\n\nevent: other\ndata: x\n\n');
    await request.write('event: ping\ndata: p2\n\nevent: end\ndata:\n\n');
    await done;
    expect(messages).toEqual(['a', 'b']);
    expect(pings).toEqual(['ping:p1', 'ping:p2']);
  });

  it('an unsubscribed listener receives nothing more; unsubscribing twice is harmless', async () => {
    const c = client();
    const seen: string[] = [];
    const off = c.on('message', (event) => seen.push(event.data));
    const request = await h.server.nextRequest('/events');
    request.open();
    const first = nextOf(c, 'message');
    await request.write('data: 1\n\n');
    await first;
    off();
    off();
    const second = nextOf(c, 'message');
    await request.write('data: 2\n\n');
    await second;
    expect(seen).toEqual(['1']);
  });

  it('unsubscribing inside a listener during dispatch skips no other listener', async () => {
    const c = client();
    const calls: string[] = [];
    // `a` removes itself on its first call: the classic bug is that `b`, next in a mutated array, is skipped.
    const offA = c.on('message', (event) => {
      calls.push(`a${event.data}`);
      offA();
    });
    c.on('message', (event) => calls.push(`b${event.data}`));
    // `c` removes `d` while the event is being dispatched.
    let offD: () => void = () => {};
    c.on('message', (event) => {
      calls.push(`c${event.data}`);
      offD();
    });
    offD = c.on('message', (event) => calls.push(`d${event.data}`));
    const request = await h.server.nextRequest('/events');
    request.open();
    const two = nextOf(c, 'message', 2);
    await request.write('data: 1\n\ndata: 2\n\n');
    await two;
    // Listeners of one dispatch are the ones registered when it started (as with node's EventEmitter):
    // `d`, removed mid-dispatch of event 1, still gets event 1 and nothing after.
    expect(calls).toEqual(['a1', 'b1', 'c1', 'd1', 'b2', 'c2']);
  });

  it('a listener added during dispatch starts with the next event', async () => {
    const c = client();
    const late: string[] = [];
    let added = false;
    c.on('message', () => {
      if (!added) {
        added = true;
        c.on('message', (event) => late.push(event.data));
      }
    });
    const request = await h.server.nextRequest('/events');
    request.open();
    const two = nextOf(c, 'message', 2);
    await request.write('data: 1\n\ndata: 2\n\n');
    await two;
    expect(late).toEqual(['2']);
  });

  it('rejects a listener that is not a function', () => {
    const c = client('/events', { autoConnect: false });
    expect(() => c.on('message', 'nope' as unknown as () => void)).toThrow(/^sse-machine: /);
  });
});

describe('on(): open, state, cursor, error', () => {
  it('open reports the accepted response; state reports each change once', async () => {
    const c = client();
    const states: string[] = [];
    c.on('state', (state) => states.push(state));
    const opened = nextOf(c, 'open');
    const request = await h.server.nextRequest('/events');
    request.open({ 'x-test': 'yes' });
    const [info] = await opened;
    expect(info?.status).toBe(200);
    expect(info?.url).toBe(h.server.url('/events'));
    expect(info?.attempt).toBe(1);
    expect(info?.headers['x-test']).toBe('yes');
    expect(info?.headers['content-type']).toBe('text/event-stream');
    c.close();
    expect(states).toEqual(['connecting', 'connected', 'closed']);
  });

  it('open fires again after every reconnection, with the new attempt number', async () => {
    const c = client();
    const attempts: number[] = [];
    c.on('open', (info) => attempts.push(info.attempt));
    const first = await h.server.nextRequest('/events');
    first.open();
    await stateReached(c, 'connected');
    first.destroy();
    const second = await h.server.nextRequest('/events');
    const reopened = nextOf(c, 'open');
    second.open();
    await reopened;
    expect(attempts).toEqual([1, 2]);
  });

  it('cursor reports each new last event ID, and only changes', async () => {
    const c = client();
    const cursors: string[] = [];
    c.on('cursor', (id) => cursors.push(id));
    const request = await h.server.nextRequest('/events');
    request.open();
    // One chunk at a time: the cursor is committed once per received chunk (its last id).
    for (const [chunk, expected] of [
      ['id: 1\ndata: a\n\n', '1'],
      ['id: 1\ndata: b\n\n', undefined],
      ['id: 2\ndata: c\n\n', '2'],
      // An id-only block (no data, nothing dispatched) still moves the cursor.
      ['id: 3\n\n', '3'],
    ] as const) {
      const before = cursors.length;
      const progressed = expected === undefined ? nextOf(c, 'message') : nextOf(c, 'cursor');
      await request.write(chunk);
      await progressed;
      expect(cursors.length).toBe(expected === undefined ? before : before + 1);
      expect(c.lastEventId).toBe(expected ?? cursors[cursors.length - 1]);
    }
    expect(cursors).toEqual(['1', '2', '3']);
  });

  it('a chunk with several ids reports each as its listeners finish, ending with the last', async () => {
    const c = client();
    const request = await h.server.nextRequest('/events');
    request.open();
    const cursor = nextOf(c, 'cursor', 3);
    await request.write('id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n');
    expect(await cursor).toEqual(['1', '2', '3']);
    expect(c.lastEventId).toBe('3');
  });

  it('error reports a failed attempt as an SseError with its status and attempt', async () => {
    const c = client();
    const errors: SseError[] = [];
    c.on('error', (error) => errors.push(error));
    const request = await h.server.nextRequest('/events');
    request.respond(503, { 'content-type': 'text/plain' }, 'busy');
    await h.server.nextRequest('/events');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.name).toBe('SseError');
    expect(errors[0]?.code).toBe('HTTP_STATUS');
    expect(errors[0]?.status).toBe(503);
    expect(errors[0]?.attempt).toBe(1);
  });
});

describe('events option (filter)', () => {
  it('only the listed types reach listeners and iterators, and only they are counted', async () => {
    const c = client('/events', { events: ['keep'] });
    const messages: string[] = [];
    const kept: string[] = [];
    c.on('message', (event) => messages.push(event.data));
    c.on('keep', (event) => kept.push(event.data));
    c.on('drop', () => kept.push('dropped!'));
    const iterator = c.events();
    const request = await h.server.nextRequest('/events');
    request.open();
    const two = nextOf(c, 'keep', 2);
    await request.write(
      'data: m\n\nevent: drop\ndata: d\n\nevent: keep\ndata: 1\n\nevent: keep\ndata: 2\n\n',
    );
    await two;
    expect(messages).toEqual([]);
    expect(kept).toEqual(['1', '2']);
    expect((await iterator.next()).value?.data).toBe('1');
    expect((await iterator.next()).value?.data).toBe('2');
    expect(c.metrics().eventsReceived).toBe(2);
  });

  it('an empty filter delivers everything', async () => {
    const c = client('/events', { events: [] });
    const request = await h.server.nextRequest('/events');
    request.open();
    const got = nextOf(c, 'message');
    await request.write('data: all\n\n');
    expect((await got)[0]?.data).toBe('all');
  });

  it('a filter that is not an array is a TypeError', () => {
    expect(() =>
      createSseClient(h.server.url('/events'), { events: 'keep' as unknown as string[], autoConnect: false }),
    ).toThrow(/^sse-machine: events must be an array/);
  });
});
