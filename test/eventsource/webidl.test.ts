/**
 * Spec details of the interface that a port of the web-platform-tests leaves implicit: the WebIDL
 * shape (constants, class string, the optional init dictionary, `[LegacyTreatNonObjectAsNull]`
 * handlers), DOM `addEventListener` with `signal`, and server event types that the client escapes.
 * Every source connects to a real loopback server.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventSource } from '../../src/eventsource.js';
import { type ParkedRequest, type SseServer, startSseServer } from '../helpers/sse-server.js';
import { next, source } from './helpers.js';

let server: SseServer;
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  await server.close();
});

async function openStream(es: EventSource): Promise<ParkedRequest> {
  const request = await server.nextRequest('/events');
  const opened = next<Event>(es, 'open');
  request.open();
  await opened;
  return request;
}

describe('WebIDL shape', () => {
  it.each([
    ['CONNECTING', 0],
    ['OPEN', 1],
    ['CLOSED', 2],
  ] as const)(
    'has %s as a read-only, enumerable, non-configurable constant on the class and the prototype',
    (name, value) => {
      const expected = { value, writable: false, enumerable: true, configurable: false };
      expect(Object.getOwnPropertyDescriptor(EventSource, name)).toEqual(expected);
      expect(Object.getOwnPropertyDescriptor(EventSource.prototype, name)).toEqual(expected);
      expect(() => {
        (EventSource as unknown as Record<string, number>)[name] = 99;
      }).toThrow(TypeError); // strict mode: assigning a read-only property throws
      expect(EventSource[name]).toBe(value);
    },
  );

  it('has the class string EventSource (Symbol.toStringTag on the prototype)', () => {
    const es = source(server.url('/events'));
    expect(Object.prototype.toString.call(es)).toBe('[object EventSource]');
    expect(Object.prototype.toString.call(EventSource.prototype)).toBe('[object EventSource]');
    expect(Object.getOwnPropertyDescriptor(EventSource.prototype, Symbol.toStringTag)).toEqual({
      value: 'EventSource',
      writable: false,
      enumerable: false,
      configurable: true,
    });
  });

  it('takes null for the init dictionary, as the empty dictionary', async () => {
    const es = source(server.url('/events'), null);
    expect(es.withCredentials).toBe(false);
    const request = await server.nextRequest('/events');
    expect(request.method).toBe('GET');
  });
});

describe('event handler attributes ([LegacyTreatNonObjectAsNull])', () => {
  it('store any object, callable or not, and the getter returns it; a non-callable one is never invoked', async () => {
    const es = source(server.url('/events'));
    const calls: string[] = [];
    const object = {
      handleEvent: () => {
        calls.push('handleEvent');
      },
    };
    es.addEventListener('message', () => calls.push('before'));
    es.onmessage = () => calls.push('handler');
    es.addEventListener('message', () => calls.push('after'));
    (es as unknown as { onmessage: unknown }).onmessage = object;
    expect(es.onmessage).toBe(object);
    const reported: unknown[] = [];
    es.client.on('error', (error) => reported.push(error));

    const request = await openStream(es);
    const received = next(es, 'message');
    await request.write('data: 1\n\n');
    await received;
    expect(calls).toEqual(['before', 'after']);
    expect(reported).toEqual([]); // not invoking it is not an error

    // Still the same slot: a function set now runs in the handler's original place.
    calls.length = 0;
    es.onmessage = () => calls.push('handler again');
    es.dispatchEvent(new MessageEvent('message', { data: '2' }));
    expect(calls).toEqual(['before', 'handler again', 'after']);
  });

  it.each([
    ['a string', 'not a function'],
    ['a number', 1],
    ['true', true],
    ['undefined', undefined],
    ['a symbol', Symbol('x')],
  ])('treat %s as null', (_name, value) => {
    const es = source(server.url('/events'));
    for (const attribute of ['onopen', 'onmessage', 'onerror'] as const) {
      es[attribute] = () => {};
      (es as unknown as Record<string, unknown>)[attribute] = value;
      expect(es[attribute]).toBeNull();
    }
  });
});

describe('addEventListener with a signal', () => {
  it('aborting the signal removes the listener, also from inside a dispatch of a server event', async () => {
    const es = source(server.url('/events'));
    const controller = new AbortController();
    const calls: string[] = [];
    es.addEventListener(
      'message',
      (event) => {
        calls.push(event.data);
        controller.abort();
      },
      { signal: controller.signal },
    );
    const request = await openStream(es);
    const done = new Promise<void>((resolve) =>
      es.addEventListener('message', (event) => event.data === '2' && resolve()),
    );
    await request.write('data: 1\n\n');
    await request.write('data: 2\n\n');
    await done;
    es.dispatchEvent(new MessageEvent('message', { data: 'synthetic' }));
    expect(calls).toEqual(['1']);
  });

  it('removes only the registration the signal came with (same listener, other capture flag stays)', () => {
    const es = source(server.url('/events'));
    const controller = new AbortController();
    const calls: string[] = [];
    const listener = (event: MessageEvent<string>): void => {
      calls.push(event.data);
    };
    es.addEventListener('message', listener, { capture: true, signal: controller.signal });
    es.addEventListener('message', listener);
    controller.abort();
    es.dispatchEvent(new MessageEvent('message', { data: 'x' }));
    expect(calls).toEqual(['x']);
  });

  it('an already aborted signal adds nothing, and subscribes nothing on the client', () => {
    const es = source(server.url('/events'));
    const subscribe = vi.spyOn(es.client, 'on');
    const calls: string[] = [];
    es.addEventListener('ping', () => calls.push('ping'), { signal: AbortSignal.abort() });
    es.dispatchEvent(new MessageEvent('ping'));
    expect(calls).toEqual([]);
    expect(subscribe).not.toHaveBeenCalled();
  });
});

describe('server event types the client escapes', () => {
  it.each(['open', 'error', 'state', 'cursor'])(
    'listeners for %s and for event:<the same name> each get their own events, once',
    async (name) => {
      const es = source(server.url('/events'));
      const log: string[] = [];
      es.addEventListener(name, (event) => {
        if (event instanceof MessageEvent) log.push(`${name} listener: ${event.type} ${event.data}`);
      });
      es.addEventListener(`event:${name}`, (event) =>
        log.push(`event:${name} listener: ${event.type} ${event.data}`),
      );
      const request = await openStream(es);
      const done = next(es, 'message');
      await request.write(`event: ${name}\ndata: A\n\nevent: event:${name}\ndata: B\n\ndata: end\n\n`);
      await done;
      expect(log).toEqual([`${name} listener: ${name} A`, `event:${name} listener: event:${name} B`]);
    },
  );
});
