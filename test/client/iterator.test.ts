import { describe, expect, it } from 'vitest';
import {
  isSseError,
  type SseClient,
  type SseClientOptions,
  type SseError,
  type SseEvent,
} from '../../src/index.js';
import { useServer } from '../helpers/harness.js';
import { nextOf, stateReached } from './helpers.js';

// Every test gets a fresh loopback server; its clients are closed after it.
const h = useServer();

function client(options: SseClientOptions = {}, path = '/events'): SseClient {
  return h.client(path, { reconnect: { initialDelay: 1, jitter: 0 }, ...options });
}

async function take(iterator: AsyncIterator<SseEvent>, count: number): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  while (out.length < count) {
    const result = await iterator.next();
    if (result.done) break;
    out.push(result.value);
  }
  return out;
}

describe('events() iterator', () => {
  it('receives every event in order, across chunks', async () => {
    const c = client();
    const iterator = c.events();
    const request = await h.server.nextRequest('/events');
    request.open();
    const stream = Array.from({ length: 20 }, (_, i) => `data: ${i}\n\n`).join('');
    // Cut points that split fields, line ends and blank lines, and chunks that carry several events.
    let at = 0;
    for (const size of [3, 9, 1, 40, 7, 2, 100]) {
      await request.write(stream.slice(at, at + size));
      at += size;
    }
    await request.write(stream.slice(at));
    const got = await take(iterator, 20);
    expect(got.map((event) => event.data)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('iterates only the given types; several iterators each get their own copy', async () => {
    const c = client();
    const all = c.events();
    const ticks = c.events(['tick']);
    const request = await h.server.nextRequest('/events');
    request.open();
    await request.write(
      'data: m\n\nevent: tick\ndata: 1\n\nevent: tock\ndata: x\n\nevent: tick\ndata: 2\n\n',
    );
    expect((await take(ticks, 2)).map((event) => event.data)).toEqual(['1', '2']);
    expect((await take(all, 4)).map((event) => `${event.type}:${event.data}`)).toEqual([
      'message:m',
      'tick:1',
      'tock:x',
      'tick:2',
    ]);
  });

  it('break closes the client, and the server sees the socket close', async () => {
    const c = client();
    const request = await h.server.nextRequest('/events');
    request.open();
    await request.write('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n');
    const seen: string[] = [];
    for await (const event of c.events()) {
      seen.push(event.data);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['1', '2']);
    expect(c.state).toBe('closed');
    await h.server.waitForSockets(0);
  });

  it('ends (done) when the client closes, after handing out what was buffered', async () => {
    const c = client();
    const iterator = c.events();
    const request = await h.server.nextRequest('/events');
    request.open();
    const two = nextOf(c, 'message', 2);
    await request.write('data: a\n\ndata: b\n\n');
    await two;
    c.close();
    expect(await take(iterator, 10)).toHaveLength(2);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('a pending next() resolves done when the client closes', async () => {
    const c = client();
    const iterator = c.events();
    const request = await h.server.nextRequest('/events');
    request.open();
    await stateReached(c, 'connected');
    const pending = iterator.next();
    c.close();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('a for-await loop ends when the server ends the stream and reconnectOnEnd is never', async () => {
    const c = client({ reconnectOnEnd: 'never' });
    const request = await h.server.nextRequest('/events');
    request.open();
    await request.write('data: 1\n\ndata: 2\n\n');
    await request.end();
    const seen: string[] = [];
    for await (const event of c.events()) seen.push(event.data);
    expect(seen).toEqual(['1', '2']);
    expect(c.state).toBe('closed');
  });

  it('throws the SseError when the client fails (404)', async () => {
    const c = client();
    const iterator = c.events();
    const pending = iterator.next();
    (await h.server.nextRequest('/events')).respond(404);
    const error = await pending.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(isSseError(error)).toBe(true);
    expect((error as SseError).code).toBe('HTTP_STATUS');
    expect((error as SseError).status).toBe(404);
    expect(c.state).toBe('failed');
    // Thrown once; the iteration is then over.
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    // An iterator made after the failure throws the same failure at once.
    await expect(c.events().next()).rejects.toMatchObject({ code: 'HTTP_STATUS', status: 404 });
  });

  it('an iterator made after close is done at once', async () => {
    const c = client();
    c.close();
    expect(await c.events().next()).toEqual({ value: undefined, done: true });
  });

  it("overflow 'error' ends the iteration at once with BUFFER_OVERFLOW; the connection stays up", async () => {
    const c = client();
    const iterator = c.events(undefined, { bufferSize: 3, overflow: 'error' });
    const request = await h.server.nextRequest('/events');
    request.open();
    const five = nextOf(c, 'message', 5);
    await request.write('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: 5\n\n');
    await five;
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const event of iterator) seen.push(event.data);
    } catch (error) {
      failure = error;
    }
    // The consumer learns it lost events before reading any stale ones: the buffer is dropped.
    expect(seen).toEqual([]);
    expect(isSseError(failure)).toBe(true);
    expect((failure as SseError).code).toBe('BUFFER_OVERFLOW');
    expect((failure as SseError).message).toMatch(/bufferSize 3/);
    // Only that iterator failed: listeners and the connection carry on.
    expect(c.state).toBe('connected');
    const more = nextOf(c, 'message');
    await request.write('data: 6\n\n');
    expect((await more)[0]?.data).toBe('6');
  });

  it("a consumer that keeps up never overflows with overflow 'error'", async () => {
    const c = client();
    const iterator = c.events(undefined, { bufferSize: 1, overflow: 'error' });
    const request = await h.server.nextRequest('/events');
    request.open();
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const next = iterator.next();
      await request.write(`data: ${i}\n\n`);
      const result = await next;
      if (!result.done) seen.push(result.value.data);
    }
    expect(seen).toHaveLength(10);
  });
});
