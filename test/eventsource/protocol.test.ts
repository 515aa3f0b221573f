/**
 * EventSource behaviour on the wire, after the web-platform-tests `eventsource/` files that make sense
 * outside a browser (readyState transitions, close(), status and MIME handling, reconnection,
 * `retry:`, Last-Event-ID, the stream format through the whole stack, request headers, redirects,
 * origin, event order), against a real loopback server. Where our policy differs from a browser's
 * (5xx reconnects) the test says so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventSource, type EventSourceErrorEvent } from '../../src/eventsource.js';
import { type ParkedRequest, type SseServer, startSseServer } from '../helpers/sse-server.js';
import { next, source } from './helpers.js';

let server: SseServer;
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  await server.close();
});

/** Collect message data until `count` events of `type` arrived. */
function collect(es: EventSource, count: number, type = 'message'): Promise<MessageEvent<string>[]> {
  return new Promise((resolve) => {
    const seen: MessageEvent<string>[] = [];
    es.addEventListener(type, (event) => {
      seen.push(event as MessageEvent<string>);
      if (seen.length === count) resolve(seen);
    });
  });
}

async function openStream(path = '/events'): Promise<ParkedRequest> {
  const request = await server.nextRequest(path);
  request.open();
  return request;
}

/** Node parses header values as latin1; the Last-Event-ID header is UTF-8 on the wire. */
function utf8Header(request: ParkedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? Buffer.from(value, 'latin1').toString('utf8') : undefined;
}

describe('readyState and close()', () => {
  it('is OPEN in onopen; close() there makes it CLOSED and nothing else is dispatched', async () => {
    const es = source(server.url('/events'));
    const states: number[] = [];
    const messages: string[] = [];
    es.onmessage = (event) => messages.push(event.data);
    es.onerror = () => states.push(-1);
    es.onopen = () => {
      states.push(es.readyState);
      es.close();
      states.push(es.readyState);
    };
    const request = await openStream();
    await request.write('data: after close\n\n').catch(() => {});
    await server.waitForSockets(0);
    expect(states).toEqual([EventSource.OPEN, EventSource.CLOSED]);
    expect(messages).toEqual([]);
    expect(es.client.state).toBe('closed');
    expect(server.received).toHaveLength(1);
  });

  it('close() in onmessage stops dispatch at once, even of events from the same chunk, and never reconnects', async () => {
    const es = source(server.url('/events'));
    const messages: string[] = [];
    let errors = 0;
    es.onerror = () => errors++;
    es.onmessage = (event) => {
      messages.push(event.data);
      es.close();
    };
    const request = await openStream();
    await request.write('data: one\n\ndata: two\n\ndata: three\n\n');
    await server.waitForSockets(0);
    expect(messages).toEqual(['one']);
    expect(errors).toBe(0);
    expect(es.readyState).toBe(EventSource.CLOSED);
    expect(es.client.state).toBe('closed');
    expect(server.received).toHaveLength(1);
  });

  it('close() while waiting to reconnect cancels the reconnection', async () => {
    const es = source(server.url('/events'), { reconnect: { initialDelay: 60_000, jitter: 0 } });
    const errored = next<EventSourceErrorEvent>(es, 'error');
    await (await openStream()).end();
    expect((await errored).readyState).toBe(EventSource.CONNECTING);
    es.close();
    expect(es.readyState).toBe(EventSource.CLOSED);
    expect(es.client.state).toBe('closed');
    expect(es.client.metrics().reconnects).toBe(0);
  });

  it('is CONNECTING during the error of a reconnect and OPEN again after it (reconnect after end of stream)', async () => {
    const es = source(server.url('/events'));
    const log: string[] = [];
    es.onopen = () => log.push(`open:${es.readyState}`);
    es.onerror = () => log.push(`error:${es.readyState}`);
    es.onmessage = (event) => log.push(`message:${event.data}:${es.readyState}`);
    const first = await openStream();
    const one = collect(es, 1);
    await first.write('data: ok\n\n');
    await one;
    await first.end();
    const second = await openStream();
    const two = collect(es, 1);
    await second.write('data: data\n\n');
    await two;
    expect(log).toEqual(['open:1', 'message:ok:1', 'error:0', 'open:1', 'message:data:1']);
  });

  it('close() in onerror during a reconnect stops it: no further request, no further event', async () => {
    const es = source(server.url('/events'));
    const errors: number[] = [];
    const errored = new Promise<void>((resolve) => {
      es.onerror = () => {
        errors.push(es.readyState);
        es.close();
        resolve();
      };
    });
    (await server.nextRequest('/events')).respond(503);
    await errored;
    expect(errors).toEqual([EventSource.CONNECTING]);
    expect(es.readyState).toBe(EventSource.CLOSED);
    expect(es.client.state).toBe('closed');
    expect(server.received).toHaveLength(1);
  });

  it('when the reconnect budget is spent: error with CLOSED carrying RECONNECT_EXHAUSTED', async () => {
    server.route('/down', (request) => request.respond(503));
    const es = source(server.url('/down'), { reconnect: { initialDelay: 1, jitter: 0, maxAttempts: 2 } });
    const log: string[] = [];
    const failed = new Promise<EventSourceErrorEvent>((resolve) => {
      es.onerror = (event) => {
        log.push(`${event.error?.code} ${es.readyState}`);
        if (es.readyState === EventSource.CLOSED) resolve(event);
      };
    });
    const event = await failed;
    expect(log).toEqual(['HTTP_STATUS 0', 'HTTP_STATUS 0', `RECONNECT_EXHAUSTED ${EventSource.CLOSED}`]);
    expect(event.error?.cause).toBeDefined();
    expect(server.received).toHaveLength(3);
    expect(es.client.state).toBe('closed');
  });

  it('reconnects after the connection drops (network error), not only after a clean end', async () => {
    const es = source(server.url('/events'));
    const first = await openStream();
    await next<Event>(es, 'open');
    const errored = next<EventSourceErrorEvent>(es, 'error');
    first.destroy();
    expect((await errored).readyState).toBe(EventSource.CONNECTING);
    await openStream();
    expect((await next<Event>(es, 'open')).readyState).toBe(EventSource.OPEN);
  });
});

describe('status codes and MIME types', () => {
  it.each([204, 205, 210, 299, 404, 410])(
    'status %i fails the connection: error with CLOSED, no message, no reconnect',
    async (status) => {
      const es = source(server.url('/events'));
      let messages = 0;
      es.onmessage = () => messages++;
      const errored = next<EventSourceErrorEvent>(es, 'error');
      (await server.nextRequest('/events')).respond(status, { 'content-type': 'text/event-stream' });
      const { event, readyState } = await errored;
      expect(readyState).toBe(EventSource.CLOSED);
      expect(event.error?.code).toBe(status === 204 ? 'NO_CONTENT' : 'HTTP_STATUS');
      expect(messages).toBe(0);
      expect(es.client.state).toBe('closed');
      expect(server.received).toHaveLength(1);
    },
  );

  it.each([500, 502, 503])(
    'status %i reconnects (our policy; a browser fails): error with CONNECTING, then open',
    async (status) => {
      const es = source(server.url('/events'));
      const errored = next<EventSourceErrorEvent>(es, 'error');
      (await server.nextRequest('/events')).respond(status);
      const { event, readyState } = await errored;
      expect(readyState).toBe(EventSource.CONNECTING);
      expect(event.code).toBe(status);
      const retried = await openStream();
      const received = collect(es, 1);
      await retried.write('data: data\n\n');
      expect((await received)[0]?.data).toBe('data');
    },
  );

  it.each([
    ['text/x-bogus', false],
    ['text/plain', false],
    [undefined, false],
    ['text/event-stream;', true],
    ['text/event-stream; charset=utf-8', true],
    ['TEXT/Event-Stream', true],
  ])('content-type %j accepted: %s', async (contentType, accepted) => {
    const es = source(server.url('/events'));
    const outcome = new Promise<string>((resolve) => {
      es.onmessage = (event) => resolve(`message ${event.data}`);
      es.onerror = () => resolve(`error ${es.readyState}`);
    });
    const request = await server.nextRequest('/events');
    request.respond(200, contentType === undefined ? {} : { 'content-type': contentType }, 'data: x\n\n');
    expect(await outcome).toBe(accepted ? 'message x' : `error ${EventSource.CLOSED}`);
  });
});

describe('retry:', () => {
  it('a server retry: replaces the base wait (a 60 s base would outlast the test)', async () => {
    const es = source(server.url('/events'), {
      reconnect: { initialDelay: 60_000, maxDelay: 120_000, jitter: 0 },
    });
    await (await openStream()).end('retry: 10\ndata: x\n\n');
    await openStream();
    expect((await next<Event>(es, 'open')).readyState).toBe(EventSource.OPEN);
  });

  it.each(['retry: 600000x', 'retry: 1e6', 'retry:'])(
    'a bogus field (%j) is ignored: the short base wait still applies',
    async (line) => {
      const es = source(server.url('/events'), { reconnect: { initialDelay: 5, jitter: 0 } });
      await (await openStream()).end(`${line}\ndata: x\n\n`);
      await openStream();
      expect((await next<Event>(es, 'open')).readyState).toBe(EventSource.OPEN);
    },
  );
});

describe('Last-Event-ID', () => {
  it('is on every MessageEvent, persists across events, and is sent when reconnecting', async () => {
    const es = source(server.url('/events'));
    const first = await openStream();
    expect(first.headers['last-event-id']).toBeUndefined();
    const received = collect(es, 3);
    await first.write('id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n');
    expect((await received).map((event) => [event.data, event.lastEventId])).toEqual([
      ['a', '1'],
      ['b', '1'],
      ['c', '2'],
    ]);
    await first.end();
    const second = await server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('2');
  });

  it('an id-only block (no data) still moves the cursor sent on reconnect', async () => {
    source(server.url('/events'));
    await (await openStream()).end('id: 7\n\n');
    expect((await server.nextRequest('/events')).headers['last-event-id']).toBe('7');
  });

  it('an empty id: resets it, and no header is sent on reconnect', async () => {
    const es = source(server.url('/events'));
    const first = await openStream();
    const received = collect(es, 2);
    await first.write('id: 1\ndata: a\n\nid\ndata: b\n\n');
    expect((await received).map((event) => event.lastEventId)).toEqual(['1', '']);
    await first.end();
    expect((await server.nextRequest('/events')).headers['last-event-id']).toBeUndefined();
  });

  it.each(['\u0000\u0000', 'x\u0000', '\u0000x', 'x\u0000x', ' \u0000'])(
    'an id containing NUL (%j) is ignored, on the event and on the wire',
    async (id) => {
      const es = source(server.url('/events'));
      const first = await openStream();
      const received = collect(es, 1);
      await first.write(`id: ${id}\ndata: hello\n\n`);
      expect((await received)[0]?.lastEventId).toBe('');
      await first.end();
      expect((await server.nextRequest('/events')).headers['last-event-id']).toBeUndefined();
    },
  );

  it('a non-ASCII id round-trips through the request header (UTF-8 on the wire)', async () => {
    // The WPT last-event-id resource: the server echoes the header it received as the data.
    server.route('/echo', async (request) => {
      request.open();
      const seen = utf8Header(request, 'last-event-id');
      await request.end(seen === undefined ? 'id: …\ndata: hello\n\n' : `data: ${seen}\n\n`);
    });
    const es = source(server.url('/echo'));
    const received = collect(es, 2);
    expect((await received).map((event) => [event.data, event.lastEventId])).toEqual([
      ['hello', '…'],
      ['…', '…'],
    ]);
  });
});

describe('the stream format through the whole stack', () => {
  it('decodes UTF-8 split anywhere, keeps NUL in data, strips one leading BOM', async () => {
    const es = source(server.url('/events'));
    const request = await openStream();
    const received = collect(es, 3);
    const bytes = Buffer.from('\uFEFFdata: ☀ ünïcödé 😀\n\ndata:\u0000\n\ndata: last\n\n', 'utf8');
    for (const byte of bytes) await request.write(Uint8Array.of(byte));
    expect((await received).map((event) => event.data)).toEqual(['☀ ünïcödé 😀', '\u0000', 'last']);
  });

  it('a second BOM is not stripped: the first field name then is not "data"', async () => {
    const es = source(server.url('/events'));
    const request = await openStream();
    const received = collect(es, 1);
    await request.write('\uFEFF\uFEFFdata: 1\n\ndata: 2\n\n');
    expect((await received).map((event) => event.data)).toEqual(['2']);
  });

  it('handles CR, LF and CRLF line ends, comments, unknown fields and a leading space', async () => {
    const es = source(server.url('/events'));
    const request = await openStream();
    const received = collect(es, 3);
    await request.write(': comment\r\nfoo: bar\rdata:no space\r\rdata:  two spaces\ndata\r\n\ndata: c\n\n');
    expect((await received).map((event) => event.data)).toEqual(['no space', ' two spaces\n', 'c']);
  });

  it('discards an unterminated event when the stream ends', async () => {
    const es = source(server.url('/events'));
    const messages: string[] = [];
    es.onmessage = (event) => messages.push(event.data);
    const errored = next(es, 'error');
    await (await openStream()).end('data: complete\n\ndata: partial');
    await errored;
    expect(messages).toEqual(['complete']);
  });
});

describe('event types', () => {
  it('named events go to their listeners, not to onmessage; an empty event: is "message"', async () => {
    const es = source(server.url('/events'));
    const log: string[] = [];
    es.onmessage = (event) => log.push(`onmessage ${event.data}`);
    es.addEventListener('greeting', (event) => log.push(`${event.type} ${event.data}`));
    const request = await openStream();
    const done = collect(es, 2);
    await request.write('event: greeting\ndata: hi\n\nevent: ignored\ndata: nobody listens\n\n');
    await request.write('event:\ndata: plain\n\ndata: end\n\n');
    await done;
    expect(log).toEqual(['greeting hi', 'onmessage plain', 'onmessage end']);
  });

  it('server events named open or error are MessageEvents and leave readyState alone', async () => {
    const es = source(server.url('/events'));
    const request = await openStream();
    await next<Event>(es, 'open');
    const opened = next(es, 'open');
    const errored = next(es, 'error');
    await request.write('event: open\ndata: o\n\nevent: error\ndata: e\n\n');
    const [open, error] = await Promise.all([opened, errored]);
    expect([open.event.data, open.event instanceof MessageEvent, open.readyState]).toEqual([
      'o',
      true,
      EventSource.OPEN,
    ]);
    expect([error.event.data, error.readyState]).toEqual(['e', EventSource.OPEN]);
  });

  it('every event is a MessageEvent with type, data, origin and lastEventId', async () => {
    const es = source(server.url('/events'));
    const request = await openStream();
    const received = next(es, 'update');
    await request.write('event: update\nid: 42\ndata: {"n":1}\n\n');
    const { event } = await received;
    expect(event).toBeInstanceOf(MessageEvent);
    expect([event.type, event.data, event.origin, event.lastEventId]).toEqual([
      'update',
      '{"n":1}',
      server.origin,
      '42',
    ]);
    expect([event.bubbles, event.cancelable, event.source, event.ports]).toEqual([false, false, null, []]);
  });
});

describe('the request', () => {
  it('asks for text/event-stream with Cache-Control: no-cache, and sends no Last-Event-ID at first', async () => {
    source(server.url('/events'));
    const request = await server.nextRequest('/events');
    expect(request.method).toBe('GET');
    expect(request.headers.accept).toBe('text/event-stream');
    expect(request.headers['cache-control']).toBe('no-cache');
    expect(request.headers['last-event-id']).toBeUndefined();
  });

  it.each([301, 302, 303, 307, 308])('follows a %i redirect and opens', async (status) => {
    server.route('/redirect', (request) => request.respond(status, { location: '/events' }));
    const es = source(server.url('/redirect'));
    let errors = 0;
    es.onerror = () => errors++;
    const request = await openStream();
    expect(request.headers.accept).toBe('text/event-stream');
    const opened = await next<Event>(es, 'open');
    expect(opened.readyState).toBe(EventSource.OPEN);
    expect(es.url).toBe(server.url('/redirect'));
    expect(errors).toBe(0);
  });

  it('gives messages the origin of the final URL after a cross-origin redirect', async () => {
    const other = await startSseServer();
    try {
      server.route('/redirect', (request) => request.respond(307, { location: other.url('/events') }));
      const es = source(server.url('/redirect'));
      const request = await other.nextRequest('/events');
      request.open();
      const received = collect(es, 1);
      await request.write('data: x\n\n');
      expect((await received)[0]?.origin).toBe(other.origin);
      expect(other.origin).not.toBe(server.origin);
      expect(es.url).toBe(server.url('/redirect'));
    } finally {
      await other.close();
    }
  });
});

describe('event order over a session', () => {
  it('open, messages, error (CONNECTING), open, messages, then error (CLOSED) when the server says stop', async () => {
    let connection = 0;
    server.route('/session', async (request) => {
      connection++;
      if (connection === 3) {
        request.respond(204);
        return;
      }
      request.open();
      await request.end(connection === 1 ? 'id: 1\ndata: a\n\nevent: named\ndata: b\n\n' : 'data: c\n\n');
    });
    const es = source(server.url('/session'));
    const log: string[] = [];
    const record = (event: Event): void => {
      const data = event instanceof MessageEvent ? ` ${String(event.data)} #${event.lastEventId}` : '';
      log.push(`${event.type}${data} [${es.readyState}]`);
    };
    es.onopen = record;
    es.onmessage = record;
    es.addEventListener('named', record);
    const failed = new Promise<void>((resolve) => {
      es.onerror = (event) => {
        record(event);
        if (es.readyState === EventSource.CLOSED) resolve();
      };
    });
    await failed;
    expect(log).toEqual([
      'open [1]',
      'message a #1 [1]',
      'named b #1 [1]',
      'error [0]',
      'open [1]',
      'message c #1 [1]',
      'error [0]',
      'error [2]',
    ]);
    expect(server.received.map((request) => request.headers['last-event-id'])).toEqual([undefined, '1', '1']);
  });
});
