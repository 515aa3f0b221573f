/**
 * The fetch transport (what browsers, Deno, Bun and workers use) driven from Node with the
 * `fetch` option: the same behaviour as the undici transport, against the same real server.
 */
import { describe, expect, it } from 'vitest';
import { FAST_RECONNECT, nextError, nextEvents, useServer, waitForState } from '../helpers/harness.js';

const h = useServer();
const viaFetch = { fetch: globalThis.fetch, reconnect: FAST_RECONNECT };

describe('createSseClient({ fetch })', () => {
  it('streams events and resumes with Last-Event-ID after the connection drops mid-event', async () => {
    const client = h.client('/events', viaFetch);
    const first = await h.server.nextRequest('/events');
    expect(first.headers.accept).toBe('text/event-stream');
    expect(first.headers['cache-control']).toBe('no-cache');
    first.open();
    const two = nextEvents(client, 2);
    await first.write('id: 1\ndata: one\n\nid: 2\ndata: two\n\nid: 3\ndata: thr');
    expect((await two).map((event) => event.data)).toEqual(['one', 'two']);
    first.destroy();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('2');
    second.open();
    const rest = nextEvents(client, 1);
    await second.write('id: 3\ndata: three\n\n');
    expect((await rest).map((event) => [event.data, event.lastEventId])).toEqual([['three', '3']]);
  });

  it('applies the response policy: 204 stops with NO_CONTENT, wrong type with BAD_CONTENT_TYPE', async () => {
    const noContent = h.client('/gone', viaFetch);
    const stop = nextError(noContent);
    (await h.server.nextRequest('/gone')).respond(204);
    expect((await stop).code).toBe('NO_CONTENT');
    await waitForState(noContent, 'failed');

    const html = h.client('/html', viaFetch);
    const wrong = nextError(html);
    (await h.server.nextRequest('/html')).respond(200, { 'content-type': 'text/html' }, '<p>');
    expect((await wrong).code).toBe('BAD_CONTENT_TYPE');
  });

  it('follows redirects and reports a 503 as retryable', async () => {
    h.server.route('/old', (request) => request.respond(307, { location: '/new' }));
    const client = h.client('/old', viaFetch);
    const error = nextError(client);
    (await h.server.nextRequest('/new')).respond(503, { 'retry-after': '0' });
    expect((await error).code).toBe('HTTP_STATUS');
    const again = await h.server.nextRequest('/new');
    again.open();
    await waitForState(client, 'connected');
  });

  it('close() aborts the request: the server sees the socket close', async () => {
    const client = h.client('/events', viaFetch);
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    client.close();
    await h.server.waitForSockets(0);
    expect(client.state).toBe('closed');
  });
});
