import { Agent, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSseError, SseError } from '../../src/errors.js';
import type { HttpRequest, HttpResponse } from '../../src/transport/http.js';
import {
  createUndiciTransport,
  DEFAULT_AGENT_OPTIONS,
  DEFAULT_MAX_REDIRECTS,
} from '../../src/transport/undici.js';
import { type RouteHandler, type SseServer, startSseServer } from '../helpers/sse-server.js';
import { socketsOpen } from '../helpers/wait.js';

let server: SseServer;
const transport = createUndiciTransport();

beforeEach(async () => {
  server = await startSseServer();
});

afterEach(async () => {
  await server.close();
});

function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    url,
    method: 'GET',
    headers: {},
    body: undefined,
    signal: new AbortController().signal,
    ...extra,
  };
}

async function readAll(response: HttpResponse): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

/** A route answering with a redirect that carries a body, which the transport must drain. */
function redirectTo(status: number, location: string | undefined): RouteHandler {
  return (request) => {
    request.respond(status, location === undefined ? {} : { location }, 'redirect body that must be dumped');
  };
}

describe('request and response', () => {
  it('sends method, headers and body as given', async () => {
    const pending = transport(
      get(server.url('/submit?x=1'), {
        method: 'POST',
        headers: { 'X-Token': 'abc', 'last-event-id': '42', 'content-type': 'text/plain' },
        body: 'hello body',
      }),
    );
    const request = await server.nextRequest('/submit');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/submit?x=1');
    expect(request.headers['x-token']).toBe('abc');
    expect(request.headers['last-event-id']).toBe('42');
    expect(request.headers['content-type']).toBe('text/plain');
    expect(request.body).toBe('hello body');
    request.respond(204);
    const response = await pending;
    expect(response.status).toBe(204);
    expect(await readAll(response)).toBe('');
  });

  it('sends a byte body unchanged', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}');
    const pending = transport(get(server.url('/bytes'), { method: 'PUT', body: bytes }));
    const request = await server.nextRequest('/bytes');
    expect(request.method).toBe('PUT');
    expect(request.body).toBe('{"a":"é"}');
    request.respond(200);
    await readAll(await pending);
  });

  it('resolves on the head, then yields the body chunk by chunk in order', async () => {
    const pending = transport(get(server.url('/events')));
    const request = await server.nextRequest('/events');
    request.open({ 'X-Extra': 'yes' });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.url).toBe(server.url('/events'));
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['x-extra']).toBe('yes');

    const iterator = response.body[Symbol.asyncIterator]();
    const decoder = new TextDecoder();
    for (const text of ['data: one\n\n', 'data: two\n', '\n', 'id: 3\ndata: three\n\n']) {
      await request.write(text);
      const next = await iterator.next();
      expect(next.done).toBe(false);
      expect(next.value).toBeInstanceOf(Uint8Array);
      expect(decoder.decode(next.value as Uint8Array)).toBe(text);
    }
    await request.end();
    expect((await iterator.next()).done).toBe(true);
  });

  it('lower-cases header names and joins repeated headers with ", "', async () => {
    server.route('/cookies', (request) => {
      request.res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      request.respond(200, { 'X-Mixed-Case': 'v' }, 'ok');
    });
    const response = await transport(get(server.url('/cookies')));
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(response.headers['x-mixed-case']).toBe('v');
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(await readAll(response)).toBe('ok');
  });

  it.each([404, 503])('returns a %i response with its status and body', async (status) => {
    server.route('/status', (request) => request.respond(status, { 'retry-after': '5' }, `status ${status}`));
    const response = await transport(get(server.url('/status')));
    expect(response.status).toBe(status);
    expect(response.headers['retry-after']).toBe('5');
    expect(await readAll(response)).toBe(`status ${status}`);
  });
});

describe('redirects', () => {
  it.each([301, 302, 307, 308])('follows a %i for GET and reports the final URL', async (status) => {
    server.route('/old', redirectTo(status, server.url('/new')));
    server.route('/new', (request) => request.respond(200, { 'content-type': 'text/event-stream' }, 'moved'));
    const response = await transport(get(server.url('/old'), { headers: { 'last-event-id': '9' } }));
    expect(response.status).toBe(200);
    expect(response.url).toBe(server.url('/new'));
    expect(await readAll(response)).toBe('moved');
    const final = server.received.at(-1);
    expect(final?.method).toBe('GET');
    expect(final?.headers['last-event-id']).toBe('9');
  });

  it.each([
    [307, 'POST', 'payload'],
    [308, 'POST', 'payload'],
    [301, 'GET', ''],
    [302, 'GET', ''],
    [303, 'GET', ''],
  ])('a %i after POST continues as %s with body %j', async (status, method, body) => {
    server.route('/post', redirectTo(status, '/target'));
    server.route('/target', (request) => request.respond(200, {}, 'done'));
    const response = await transport(
      get(server.url('/post'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-keep': 'kept' },
        body: 'payload',
      }),
    );
    expect(response.status).toBe(200);
    await readAll(response);
    const final = server.received.at(-1);
    expect(final?.pathname).toBe('/target');
    expect(final?.method).toBe(method);
    expect(final?.body).toBe(body);
    expect(final?.headers['x-keep']).toBe('kept');
    expect(final?.headers['content-type']).toBe(method === 'POST' ? 'application/json' : undefined);
  });

  it('turns a 303 after PUT into a GET too, and keeps HEAD a HEAD', async () => {
    server.route('/put', redirectTo(303, '/target'));
    server.route('/target', (request) => request.respond(200));
    await readAll(await transport(get(server.url('/put'), { method: 'PUT', body: 'x' })));
    expect(server.received.at(-1)?.method).toBe('GET');
    await readAll(await transport(get(server.url('/put'), { method: 'HEAD' })));
    expect(server.received.at(-1)?.method).toBe('HEAD');
  });

  it('resolves a relative Location against the current URL', async () => {
    server.route('/a/b/start', redirectTo(302, '../c/next?q=1'));
    server.route('/a/c/next', redirectTo(307, 'final'));
    server.route('/a/c/final', (request) => request.respond(200, {}, 'here'));
    const response = await transport(get(server.url('/a/b/start')));
    expect(response.url).toBe(server.url('/a/c/final'));
    expect(server.received.map((request) => request.path)).toEqual([
      '/a/b/start',
      '/a/c/next?q=1',
      '/a/c/final',
    ]);
    expect(await readAll(response)).toBe('here');
  });

  it('drains the redirect body so the next hop goes out and no connection is left open', async () => {
    // One connection per origin: an undrained redirect body would keep it busy and the next hop
    // would never be sent. Each attempt's connection closes with it (`reset: true`).
    const agent = new Agent({ connections: 1 });
    try {
      // Larger than undici's body buffer, so the parser stalls until someone reads it.
      server.route('/old', (request) => request.respond(302, { location: '/new' }, 'x'.repeat(100_000)));
      server.route('/new', (request) => request.respond(200, {}, 'ok'));
      const single = createUndiciTransport({ dispatcher: agent });
      expect(await readAll(await single(get(server.url('/old'))))).toBe('ok');
      expect(server.received).toHaveLength(2);
      await server.waitForSockets(0);
    } finally {
      await agent.close();
    }
  });

  it('rejects a loop with REDIRECT', async () => {
    server.route('/ping', redirectTo(302, '/pong'));
    server.route('/pong', redirectTo(302, '/ping'));
    const error = await rejection(transport(get(server.url('/ping'))));
    expect(error).toBeInstanceOf(SseError);
    expect(error).toMatchObject({ code: 'REDIRECT', status: 302, url: server.url('/pong') });
    expect((error as SseError).message).toMatch(/loop/);
    expect(server.received).toHaveLength(2);
  });

  it('does not take post/redirect/get to the same URL for a loop', async () => {
    server.route('/form', (request) =>
      request.method === 'POST'
        ? request.respond(303, { location: '/form' })
        : request.respond(200, {}, 'got'),
    );
    const response = await transport(get(server.url('/form'), { method: 'POST', body: 'a=1' }));
    expect(await readAll(response)).toBe('got');
  });

  it.each([
    ['an empty', ''],
    ['a missing', undefined],
  ])('rejects %s Location with REDIRECT', async (_, location) => {
    server.route('/nowhere', redirectTo(301, location));
    const error = await rejection(transport(get(server.url('/nowhere'))));
    expect(isSseError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'REDIRECT', status: 301, url: server.url('/nowhere') });
    expect((error as SseError).message).toMatch(/Location/);
  });

  it('rejects a Location that is not http(s) with REDIRECT', async () => {
    server.route('/file', redirectTo(302, 'file:///etc/passwd'));
    const error = await rejection(transport(get(server.url('/file'))));
    expect(error).toMatchObject({ code: 'REDIRECT', status: 302 });
  });

  it('follows exactly maxRedirects hops and rejects one more with REDIRECT', async () => {
    for (let hop = 0; hop < 3; hop++) server.route(`/hop${hop}`, redirectTo(307, `/hop${hop + 1}`));
    server.route('/hop3', (request) => request.respond(200, {}, 'end'));
    const limited = createUndiciTransport({ maxRedirects: 3 });
    expect(await readAll(await limited(get(server.url('/hop0'))))).toBe('end');

    const tooFew = createUndiciTransport({ maxRedirects: 2 });
    const error = await rejection(tooFew(get(server.url('/hop0'))));
    expect(error).toMatchObject({ code: 'REDIRECT', status: 307, url: server.url('/hop2') });
    expect((error as SseError).message).toMatch(/too many redirects.*limit 2/);
  });

  it('with maxRedirects 0, rejects the first redirect', async () => {
    server.route('/old', redirectTo(301, '/new'));
    const error = await rejection(createUndiciTransport({ maxRedirects: 0 })(get(server.url('/old'))));
    expect(error).toMatchObject({ code: 'REDIRECT', status: 301 });
  });

  it(`defaults to ${DEFAULT_MAX_REDIRECTS} hops`, async () => {
    server.route('/n', (request) => {
      const n = Number(new URL(request.path, server.origin).searchParams.get('n'));
      if (n > 0) request.respond(302, { location: `/n?n=${n - 1}` });
      else request.respond(200, {}, 'bottom');
    });
    expect(await readAll(await transport(get(server.url(`/n?n=${DEFAULT_MAX_REDIRECTS}`))))).toBe('bottom');
    const error = await rejection(transport(get(server.url(`/n?n=${DEFAULT_MAX_REDIRECTS + 1}`))));
    expect(error).toMatchObject({ code: 'REDIRECT' });
  });

  describe('credentials', () => {
    let other: SseServer;
    beforeEach(async () => {
      other = await startSseServer();
      other.route('/landing', (request) => request.respond(200, {}, 'landed'));
    });
    afterEach(async () => {
      await other.close();
    });

    const credentials = {
      Authorization: 'Bearer secret',
      Cookie: 'session=1',
      'Proxy-Authorization': 'Basic xyz',
      'X-Custom': 'stays',
    };

    it('drops Authorization, Cookie and Proxy-Authorization on a cross-origin hop', async () => {
      server.route('/go', redirectTo(302, other.url('/landing')));
      const response = await transport(get(server.url('/go'), { headers: credentials }));
      expect(response.url).toBe(other.url('/landing'));
      expect(await readAll(response)).toBe('landed');
      expect(server.received[0]?.headers.authorization).toBe('Bearer secret');
      const landed = other.received[0];
      expect(landed?.headers.authorization).toBeUndefined();
      expect(landed?.headers.cookie).toBeUndefined();
      expect(landed?.headers['proxy-authorization']).toBeUndefined();
      expect(landed?.headers['x-custom']).toBe('stays');
    });

    it('does not restore them when a later hop returns to the first origin', async () => {
      server.route('/go', redirectTo(302, other.url('/bounce')));
      other.route('/bounce', redirectTo(302, server.url('/home')));
      server.route('/home', (request) => request.respond(200, {}, 'home'));
      await readAll(await transport(get(server.url('/go'), { headers: credentials })));
      const home = server.received.at(-1);
      expect(home?.pathname).toBe('/home');
      expect(home?.headers.authorization).toBeUndefined();
      expect(home?.headers.cookie).toBeUndefined();
    });

    it('keeps them on a same-origin hop', async () => {
      server.route('/go', redirectTo(308, '/landing'));
      server.route('/landing', (request) => request.respond(200, {}, 'same'));
      await readAll(await transport(get(server.url('/go'), { headers: credentials })));
      const landed = server.received.at(-1);
      expect(landed?.headers.authorization).toBe('Bearer secret');
      expect(landed?.headers.cookie).toBe('session=1');
      expect(landed?.headers['proxy-authorization']).toBe('Basic xyz');
    });
  });
});

describe('failures and aborts', () => {
  it('rejects with NETWORK when the connection is refused', async () => {
    const url = server.url('/gone');
    await server.close();
    const error = await rejection(transport(get(url)));
    expect(error).toBeInstanceOf(SseError);
    expect(error).toMatchObject({ code: 'NETWORK', url });
    expect((error as SseError).message).toMatch(new RegExp(`^request to ${url} failed: .*ECONNREFUSED`));
    expect((error as SseError).cause).toBeInstanceOf(Error);
  });

  it('names the failing hop when a redirect target refuses connections', async () => {
    const closed = await startSseServer();
    const target = closed.url('/x');
    await closed.close();
    server.route('/go', redirectTo(302, target));
    const error = await rejection(transport(get(server.url('/go'))));
    expect(error).toMatchObject({ code: 'NETWORK', url: target });
  });

  it('ends the body with NETWORK when the server drops the connection mid-stream', async () => {
    const pending = transport(get(server.url('/events')));
    const request = await server.nextRequest();
    request.open();
    const response = await pending;
    const iterator = response.body[Symbol.asyncIterator]();
    await request.write('data: partial');
    expect((await iterator.next()).done).toBe(false);
    request.destroy();
    const error = await rejection(iterator.next());
    expect(error).toMatchObject({ code: 'NETWORK', url: server.url('/events') });
  });

  it('abort mid-body ends iteration with an error and closes the socket', async () => {
    const controller = new AbortController();
    const pending = transport(get(server.url('/events'), { signal: controller.signal }));
    const request = await server.nextRequest();
    request.open();
    const response = await pending;
    const iterator = response.body[Symbol.asyncIterator]();
    await request.write('data: first\n\n');
    expect((await iterator.next()).done).toBe(false);
    expect(server.sockets).toBe(1);

    controller.abort();
    const error = await rejection(iterator.next());
    // The caller aborted: undici's own abort error, not a NETWORK failure to report.
    expect(isSseError(error)).toBe(false);
    await server.waitForSockets(0);
    expect(server.sockets).toBe(0);
  });

  it('abort before the head rejects the request without a NETWORK error', async () => {
    const controller = new AbortController();
    const pending = transport(get(server.url('/slow'), { signal: controller.signal }));
    await server.nextRequest('/slow');
    controller.abort();
    const error = await rejection(pending);
    expect(isSseError(error)).toBe(false);
    await server.waitForSockets(0);
  });

  it('leaving the loop early closes the socket', async () => {
    const pending = transport(get(server.url('/events')));
    const request = await server.nextRequest();
    request.open();
    const response = await pending;
    await request.write('data: x\n\n');
    for await (const _chunk of response.body) break;
    await socketsOpen(server, 0);
    expect(server.sockets, 'server sockets once the loop was left').toBe(0);
  });
});

describe('dispatcher', () => {
  class RecordingAgent extends Agent {
    readonly seen: Dispatcher.DispatchOptions[] = [];
    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      this.seen.push(options);
      return super.dispatch(options, handler);
    }
  }

  it('sends every request through the given dispatcher with body and headers timeouts off', async () => {
    // The dispatcher's own 10 ms timeouts would kill a quiet stream; the request-level 0s override them.
    const agent = new RecordingAgent({ bodyTimeout: 10, headersTimeout: 10 });
    try {
      const controller = new AbortController();
      server.route('/old', redirectTo(302, '/new'));
      server.route('/new', (request) => request.respond(200, {}, 'ok'));
      const custom = createUndiciTransport({ dispatcher: agent });
      await readAll(await custom(get(server.url('/old'), { signal: controller.signal })));
      expect(agent.seen).toHaveLength(2);
      for (const options of agent.seen) {
        expect(options.bodyTimeout).toBe(0);
        expect(options.headersTimeout).toBe(0);
        expect((options as { signal?: unknown }).signal).toBe(controller.signal);
      }
    } finally {
      await agent.close();
    }
  });

  it('creates the shared agent with body and headers timeouts off', () => {
    expect(DEFAULT_AGENT_OPTIONS).toEqual({ bodyTimeout: 0, headersTimeout: 0 });
    expect(Object.isFrozen(DEFAULT_AGENT_OPTIONS)).toBe(true);
  });

  it('rejects bad options with a TypeError at creation', () => {
    expect(() => createUndiciTransport({ maxRedirects: -1 })).toThrow(TypeError);
    expect(() => createUndiciTransport({ maxRedirects: 1.5 })).toThrow(/maxRedirects/);
    expect(() => createUndiciTransport({ dispatcher: {} })).toThrow(/dispatcher/);
  });
});
