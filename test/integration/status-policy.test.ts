import { describe, expect, it } from 'vitest';
import type { SseClient } from '../../src/index.js';
import { SimulatedClock } from '../helpers/clock.js';
import {
  barrier,
  FAST_RECONNECT,
  nextError,
  nextEvents,
  requestsTo,
  settle,
  useServer,
  waitForState,
} from '../helpers/harness.js';

// ARCHITECTURE §5, row by row, against a real server.
const h = useServer();

/** A failed client stays failed: give pending I/O a chance, then check that nobody came back. */
async function expectNoFurtherRequest(client: SseClient, path: string): Promise<void> {
  await settle(20);
  expect(client.state).toBe('failed');
  expect(h.server.received.filter((request) => request.pathname === path)).toHaveLength(1);
}

describe('response policy (ARCHITECTURE §5)', () => {
  it.each([
    'text/event-stream',
    'text/event-stream; charset=utf-8',
    'Text/Event-Stream',
    'TEXT/EVENT-STREAM ; Charset=UTF-8',
  ])('200 + %s connects and delivers events', async (contentType) => {
    const client = h.client('/events');
    const opened = new Promise((resolve) => client.on('open', resolve));
    const request = await h.server.nextRequest('/events');
    request.open({ 'content-type': contentType });
    await opened;
    expect(client.state).toBe('connected');
    const received = nextEvents(client, 1);
    await request.write('data: ok\n\n');
    expect((await received)[0]?.data).toBe('ok');
  });

  it.each(['text/plain', 'application/json', undefined])(
    '200 + content-type %s fails with BAD_CONTENT_TYPE and does not reconnect',
    async (contentType) => {
      const client = h.client('/events', { reconnect: FAST_RECONNECT });
      const failed = nextError(client);
      const request = await h.server.nextRequest('/events');
      request.respond(200, contentType === undefined ? {} : { 'content-type': contentType }, 'data: no\n\n');
      const error = await failed;
      expect(error.code).toBe('BAD_CONTENT_TYPE');
      expect(error.status).toBe(200);
      await waitForState(client, 'failed');
      await expectNoFurtherRequest(client, '/events');
    },
  );

  it('204 fails with NO_CONTENT and does not reconnect', async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const failed = nextError(client);
    (await h.server.nextRequest('/events')).respond(204);
    const error = await failed;
    expect(error.code).toBe('NO_CONTENT');
    expect(error.status).toBe(204);
    await waitForState(client, 'failed');
    await expectNoFurtherRequest(client, '/events');
  });

  it.each([400, 401, 403, 404, 410])('%i fails with HTTP_STATUS and the status', async (status) => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const failed = nextError(client);
    (await h.server.nextRequest('/events')).respond(status, { 'content-type': 'text/plain' }, 'nope');
    const error = await failed;
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(status);
    expect(error.attempt).toBe(1);
    await waitForState(client, 'failed');
    await expectNoFurtherRequest(client, '/events');
  });

  it.each([500, 502, 503, 408, 429])('%i reconnects: a second request arrives', async (status) => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const errored = nextError(client);
    const opened = new Promise((resolve) => client.on('open', resolve));
    (await h.server.nextRequest('/events')).respond(status, { 'content-type': 'text/plain' }, 'later');
    const error = await errored;
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(status);
    const second = await h.server.nextRequest('/events');
    second.open();
    await opened;
    expect(client.state).toBe('connected');
    expect(client.metrics().reconnects).toBe(1);
  });

  it('honours Retry-After in seconds: the second request comes no sooner than 1 s later', async () => {
    // Client time on a SimulatedClock: the wait is exactly what the client decided, on any machine.
    const clock = new SimulatedClock();
    const client = h.client('/events', { clock, reconnect: { initialDelay: 1, jitter: 0 } });
    const errored = nextError(client);
    const first = await h.server.nextRequest('/events');
    first.respond(503, { 'retry-after': '1' });
    expect((await errored).retryAfter).toBe(1000);
    await waitForState(client, 'reconnecting');
    clock.increment(999);
    expect(client.state, 'still waiting 1 ms before Retry-After has passed').toBe('reconnecting');
    await barrier(h.server);
    expect(requestsTo(h.server, '/events'), 'no second request before Retry-After').toBe(1);
    clock.increment(1);
    await h.server.nextRequest('/events');
    expect(client.state).toBe('connecting');
  });

  it.each([301, 302, 307, 308])('%i is followed to the stream', async (status) => {
    h.server.route('/old', (request) => request.respond(status, { location: '/events' }));
    const client = h.client('/old');
    const opened = new Promise<{ url: string }>((resolve) => client.on('open', resolve));
    const request = await h.server.nextRequest('/events');
    request.open();
    expect((await opened).url).toBe(h.server.url('/events'));
    expect(client.state).toBe('connected');
  });

  it('a 307 keeps the method and body of a POST', async () => {
    h.server.route('/old', (request) => request.respond(307, { location: '/events' }));
    h.client('/old', { method: 'POST', body: '{"q":1}' });
    const request = await h.server.nextRequest('/events');
    expect(request.method).toBe('POST');
    expect(request.body).toBe('{"q":1}');
  });

  it('a redirect loop fails with REDIRECT and does not reconnect', async () => {
    h.server.route('/a', (request) => request.respond(302, { location: '/b' }));
    h.server.route('/b', (request) => request.respond(302, { location: '/a' }));
    const client = h.client('/a', { reconnect: FAST_RECONNECT });
    const error = await nextError(client);
    expect(error.code).toBe('REDIRECT');
    await waitForState(client, 'failed');
    await settle(20);
    expect(h.server.received.map((request) => request.pathname)).toEqual(['/a', '/b']);
  });

  it('shouldReconnect returning false turns a retryable 503 into failed', async () => {
    const seen: string[] = [];
    const client = h.client('/events', {
      reconnect: FAST_RECONNECT,
      shouldReconnect: ({ error }) => {
        seen.push(`${error.code} ${error.status}`);
        return false;
      },
    });
    (await h.server.nextRequest('/events')).respond(503);
    await waitForState(client, 'failed');
    expect(seen).toEqual(['HTTP_STATUS 503']);
    await expectNoFurtherRequest(client, '/events');
  });

  it('shouldReconnect returning a number retries even a 404, after that many ms', async () => {
    const clock = new SimulatedClock();
    const client = h.client('/events', {
      clock,
      reconnect: FAST_RECONNECT,
      shouldReconnect: ({ error }) => (error.status === 404 ? 300 : false),
    });
    const first = await h.server.nextRequest('/events');
    first.respond(404);
    await waitForState(client, 'reconnecting');
    clock.increment(299);
    expect(client.state, 'still waiting 1 ms before the 300 ms shouldReconnect chose').toBe('reconnecting');
    await barrier(h.server);
    expect(requestsTo(h.server, '/events'), 'no second request before 300 ms').toBe(1);
    clock.increment(1);
    const second = await h.server.nextRequest('/events');
    second.open();
    await waitForState(client, 'connected');
  });
});
