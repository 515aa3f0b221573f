import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SseServer, startSseServer } from './sse-server.js';

// The helper is tested with node's own client so that its behaviour does not depend on the transport under test.
function send(url: string, method = 'GET', body?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

async function text(response: IncomingMessage): Promise<string> {
  let result = '';
  response.setEncoding('utf8');
  for await (const chunk of response) result += chunk;
  return result;
}

let server: SseServer;
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  await server.close();
});

describe('startSseServer', () => {
  it('listens on 127.0.0.1 with a real port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url('/x?y=1')).toBe(`http://127.0.0.1:${server.port}/x?y=1`);
  });

  it('parks requests with their full body until a test takes them, by path and in order', async () => {
    const first = send(server.url('/a'), 'POST', 'one');
    const second = send(server.url('/b?q=2'), 'POST', 'two');
    const b = await server.nextRequest('/b');
    expect(b).toMatchObject({ method: 'POST', path: '/b?q=2', pathname: '/b', body: 'two' });
    const a = await server.nextRequest();
    expect(a).toMatchObject({ path: '/a', body: 'one' });
    a.respond(201, { 'x-a': '1' }, 'made');
    b.respond(404);
    const responseA = await first;
    expect(responseA.statusCode).toBe(201);
    expect(responseA.headers['x-a']).toBe('1');
    expect(await text(responseA)).toBe('made');
    expect((await second).statusCode).toBe(404);
    expect(server.received.map((request) => request.pathname).sort()).toEqual(['/a', '/b']);
  });

  it('streams: open flushes the head, write resolves once flushed, end finishes', async () => {
    const pending = send(server.url('/events'));
    const request = await server.nextRequest('/events');
    request.open({ 'x-stream': 'yes' });
    const response = await pending;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['x-stream']).toBe('yes');
    await request.write('data: a\n\n');
    await request.write(new TextEncoder().encode('data: b\n\n'));
    await request.end();
    expect(await text(response)).toBe('data: a\n\ndata: b\n\n');
  });

  it('answers routes without parking', async () => {
    server.route('/fixed', (request) => request.respond(200, {}, `hi ${request.method}`));
    expect(await text(await send(server.url('/fixed')))).toBe('hi GET');
  });

  it('counts sockets, destroy drops one, and write after that rejects', async () => {
    await server.waitForSockets(0);
    const pending = send(server.url('/events'));
    const request = await server.nextRequest();
    expect(server.sockets).toBe(1);
    request.open();
    const response = await pending;
    const clientError = new Promise((resolve) => response.on('error', resolve).resume());
    request.destroy();
    await server.waitForSockets(0);
    await clientError;
    await expect(request.write('late')).rejects.toThrow(/closed/);
  });

  it('restart drops every connection and listens again on the same port', async () => {
    const pending = send(server.url('/events'));
    const request = await server.nextRequest();
    request.open();
    const response = await pending;
    const clientError = new Promise((resolve) => response.on('error', resolve).resume());
    const port = server.port;
    await server.restart();
    await clientError;
    expect(server.sockets).toBe(0);
    server.route('/again', (again) => again.respond(200, {}, 'back'));
    expect(await text(await send(`http://127.0.0.1:${port}/again`))).toBe('back');
  });

  it('stop refuses connections until start', async () => {
    await server.stop();
    await expect(send(server.url('/'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await server.start();
    server.route('/', (request) => request.respond(204));
    expect((await send(server.url('/'))).statusCode).toBe(204);
  });
});
