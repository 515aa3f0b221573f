/**
 * The EventSource interface itself, after the web-platform-tests `eventsource/` files about the
 * object (prototype, constants, constructor, url, event handler attributes, EventTarget), ported to
 * Node: every source connects to a real loopback server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSseError, type SseError } from '../../src/errors.js';
import { EventSource, EventSourceErrorEvent } from '../../src/eventsource.js';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { next, source } from './helpers.js';

let server: SseServer;
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  await server.close();
});

describe('constants and prototype', () => {
  it('has CONNECTING, OPEN and CLOSED as 0, 1 and 2 on the class, the prototype and instances', () => {
    expect([EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED]).toEqual([0, 1, 2]);
    expect(Object.hasOwn(EventSource.prototype, 'OPEN')).toBe(true);
    const es = source(server.url('/events'));
    expect([es.CONNECTING, es.OPEN, es.CLOSED]).toEqual([0, 1, 2]);
    expect(es).toBeInstanceOf(EventTarget);
  });

  it('is extensible through its prototype, like any platform class', () => {
    const proto = EventSource.prototype as unknown as { returnsTrue?: () => boolean };
    proto.returnsTrue = () => true;
    try {
      expect((source(server.url('/events')) as unknown as { returnsTrue(): boolean }).returnsTrue()).toBe(
        true,
      );
    } finally {
      delete proto.returnsTrue;
    }
  });
});

describe('types', () => {
  it('fit where the DOM EventSource types are expected (code typed for the browser API compiles)', () => {
    const asDomClass: typeof globalThis.EventSource = EventSource;
    const asDomInstance: globalThis.EventSource = source(server.url('/events'));
    expect(asDomClass.OPEN).toBe(1);
    expect(asDomInstance.readyState).toBe(EventSource.CONNECTING);
  });
});

describe('constructor', () => {
  it.each(['http://[not-an-ipv6', '', 'not a url'])(
    'throws a SyntaxError DOMException for the unparsable URL %j',
    (url) => {
      let thrown: unknown;
      try {
        new EventSource(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DOMException);
      expect((thrown as DOMException).name).toBe('SyntaxError');
    },
  );

  it('throws a SyntaxError for a scheme that cannot carry an event stream', () => {
    expect(() => new EventSource('ftp://127.0.0.1/events')).toThrow(
      expect.objectContaining({ name: 'SyntaxError' }),
    );
  });

  it('throws a TypeError for an invalid option, before any request', () => {
    expect(() => new EventSource(server.url('/events'), { heartbeatTimeout: -1 })).toThrow(TypeError);
    expect(server.received).toHaveLength(0);
  });

  it('stringifies its URL argument and exposes the resolved URL', async () => {
    const es = source({ toString: () => server.url('/a/../events?x=1') } as unknown as string);
    expect(es.url).toBe(`${server.origin}/events?x=1`);
    const request = await server.nextRequest('/events');
    expect(request.path).toBe('/events?x=1');
    expect(source(new URL('/events', server.origin)).url).toBe(server.url('/events'));
  });

  it('reports withCredentials (false unless asked for)', () => {
    expect(source(server.url('/events')).withCredentials).toBe(false);
    expect(source(server.url('/events'), { withCredentials: true }).withCredentials).toBe(true);
  });

  it('starts CONNECTING and connects without any further call', async () => {
    const es = source(server.url('/events'));
    expect(es.readyState).toBe(EventSource.CONNECTING);
    const request = await server.nextRequest('/events');
    expect(request.method).toBe('GET');
  });

  it('passes the client options through: headers and a seeded Last-Event-ID', async () => {
    source(server.url('/events'), { headers: { authorization: 'Bearer t' }, lastEventId: 'seed' });
    const request = await server.nextRequest('/events');
    expect(request.headers.authorization).toBe('Bearer t');
    expect(request.headers['last-event-id']).toBe('seed');
  });
});

describe('event handler attributes and EventTarget', () => {
  function dispatchMessage(es: EventSource): void {
    es.dispatchEvent(new MessageEvent('message', { data: 'x' }));
  }

  it('are null until set, and return what was set', () => {
    const es = source(server.url('/events'));
    expect([es.onopen, es.onmessage, es.onerror]).toEqual([null, null, null]);
    const handler = (): void => {};
    es.onmessage = handler;
    expect(es.onmessage).toBe(handler);
    es.onmessage = null;
    expect(es.onmessage).toBeNull();
  });

  it('run in registration order with addEventListener; replacing keeps the place, null gives it up', () => {
    const es = source(server.url('/events'));
    const calls: string[] = [];
    es.addEventListener('message', () => calls.push('first'));
    es.onmessage = () => calls.push('handler');
    es.addEventListener('message', () => calls.push('last'));
    dispatchMessage(es);
    expect(calls).toEqual(['first', 'handler', 'last']);

    calls.length = 0;
    es.onmessage = () => calls.push('replaced');
    dispatchMessage(es);
    expect(calls).toEqual(['first', 'replaced', 'last']);

    calls.length = 0;
    es.onmessage = null;
    es.onmessage = () => calls.push('re-added');
    dispatchMessage(es);
    expect(calls).toEqual(['first', 'last', 're-added']);
  });

  it('treats a non-function value as null', () => {
    const es = source(server.url('/events'));
    es.onmessage = () => {};
    (es as unknown as { onmessage: unknown }).onmessage = 'not a function';
    expect(es.onmessage).toBeNull();
  });

  it('calls handlers and listeners with the source as `this` and as the target', () => {
    const es = source(server.url('/events'));
    const seen: unknown[] = [];
    es.onmessage = function (event) {
      seen.push(this, event.target, event.currentTarget);
    };
    es.addEventListener('message', function (this: EventSource) {
      seen.push(this);
    });
    dispatchMessage(es);
    expect(seen).toEqual([es, es, es, es]);
  });

  it('supports listener objects, capture, once, removal and de-duplication like EventTarget', () => {
    const es = source(server.url('/events'));
    const calls: string[] = [];
    const object = { handleEvent: () => calls.push('object') };
    const fn = (): void => {
      calls.push('fn');
    };
    es.addEventListener('message', object);
    es.addEventListener('message', fn);
    es.addEventListener('message', fn); // same (type, callback, capture): ignored
    es.addEventListener('message', fn, true); // different capture: a second registration
    es.addEventListener('message', () => calls.push('once'), { once: true });
    dispatchMessage(es);
    expect(calls).toEqual(['object', 'fn', 'fn', 'once']);

    calls.length = 0;
    es.removeEventListener('message', fn, { capture: true });
    es.removeEventListener('message', object);
    dispatchMessage(es);
    expect(calls).toEqual(['fn']);
  });

  it('delivers events the program dispatches itself (dispatchEvent is inherited)', () => {
    const es = source(server.url('/events'));
    const types: string[] = [];
    es.addEventListener('custom', (event) => types.push(event.type));
    expect(es.dispatchEvent(new Event('custom'))).toBe(true);
    expect(types).toEqual(['custom']);
  });
});

describe('listener exceptions', () => {
  it('never reach the host: later listeners still run, the stream goes on, the client reports LISTENER', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const es = source(server.url('/events'));
      const reported: SseError[] = [];
      es.client.on('error', (error) => {
        if (isSseError(error)) reported.push(error);
      });
      const after: string[] = [];
      es.onmessage = () => {
        throw new Error('boom in onmessage');
      };
      es.addEventListener('message', (event) => after.push(event.data));
      es.onopen = () => {
        throw new Error('boom in onopen');
      };
      const request = await server.nextRequest('/events');
      request.open();
      const second = new Promise<void>((resolve) =>
        es.addEventListener('message', (event) => event.data === '2' && resolve()),
      );
      await request.write('data: 1\n\ndata: 2\n\n');
      await second;
      expect(after).toEqual(['1', '2']);
      expect(es.readyState).toBe(EventSource.OPEN);
      expect(reported.map((error) => [error.code, error.message])).toEqual([
        ['LISTENER', 'a listener threw: boom in onopen'],
        ['LISTENER', 'a listener threw: boom in onmessage'],
        ['LISTENER', 'a listener threw: boom in onmessage'],
      ]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('in onerror do not stop the reconnection', async () => {
    const es = source(server.url('/events'));
    es.onerror = () => {
      throw new Error('boom in onerror');
    };
    (await server.nextRequest('/events')).respond(503);
    const retried = await server.nextRequest('/events');
    retried.open();
    const opened = await next<Event>(es, 'open');
    expect(opened.readyState).toBe(EventSource.OPEN);
  });
});

describe('error events', () => {
  it('are plain Events (not MessageEvents) that neither bubble nor cancel, carrying the SseError', async () => {
    const es = source(server.url('/events'));
    const errored = next<EventSourceErrorEvent>(es, 'error');
    (await server.nextRequest('/events')).respond(404, {}, 'no such stream');
    const { event, readyState } = await errored;
    expect(readyState).toBe(EventSource.CLOSED);
    expect(event).toBeInstanceOf(EventSourceErrorEvent);
    expect(event).not.toBeInstanceOf(MessageEvent);
    expect('data' in event).toBe(false);
    expect([event.bubbles, event.cancelable]).toEqual([false, false]);
    expect(event.error?.code).toBe('HTTP_STATUS');
    expect(event.code).toBe(404);
    expect(event.message).toBe(event.error?.message);
  });
});
