/**
 * Issue 13, point 1, against a real loopback server: a `retry:` of 400 digits (or a 400-digit
 * `Retry-After`) must not turn into a `NaN` wait and a reconnect loop once the server is gone.
 * Before the fix: 214–361 attempts per second; after: the policy's attempts, no more.
 */
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DELAY } from '../../src/backoff.js';
import { createSseClient, type SseClient } from '../../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: (response: ServerResponse, requests: number) => void): Promise<{
  url: string;
  requests: () => number;
  goAway: () => Promise<void>;
}> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => {
    requests++;
    handler(response, requests);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let closed = false;
  const goAway = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  };
  cleanups.push(goAway);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/`, requests: () => requests, goAway };
}

function track(client: SseClient): SseClient {
  cleanups.push(() => client.close());
  return client;
}

function countAttempts(client: SseClient): () => number {
  let attempts = 0;
  client.on('state', (state) => {
    if (state === 'connecting') attempts++;
  });
  return () => attempts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hostile retry values against a real server', () => {
  it('retry: of 400 digits, then the server goes away: one attempt, then a MAX_DELAY wait (no loop)', async () => {
    const server = await listen((response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`retry: ${'9'.repeat(400)}\n\ndata: hello\n\n`);
    });
    const client = track(createSseClient(server.url));
    const attempts = countAttempts(client);
    await new Promise<void>((resolve) => client.on('message', () => resolve()));
    const before = attempts();
    const start = Date.now();
    await server.goAway();
    await sleep(1000);
    const perSecond = ((attempts() - before) * 1000) / (Date.now() - start);
    if (process.env.SSE_MEASURE)
      console.log(`attempts per second once the server is gone: ${perSecond.toFixed(0)}`);
    expect(client.state).toBe('reconnecting');
    expect(perSecond).toBe(0);
    expect(client.metrics().attempt).toBe(1);
  });

  it('with maxAttempts 3 and a server answering 503 + a 400-digit Retry-After: one request, then a capped wait', async () => {
    const server = await listen((response) => {
      response.writeHead(503, { 'retry-after': '9'.repeat(400) });
      response.end();
    });
    const client = track(createSseClient(server.url, { reconnect: { maxAttempts: 3 } }));
    await sleep(1000);
    expect(server.requests()).toBe(1);
    expect(client.state).toBe('reconnecting');
    expect(client.metrics().lastError?.retryAfter).toBe(MAX_DELAY);
  });

  it('retry: 400 digits with maxAttempts 2 and client.retry() to skip each wait: exactly 1 + 2 requests', async () => {
    const server = await listen((response, n) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // Every connection sends the huge retry: and closes at once.
      response.end(`retry: ${'9'.repeat(400)}\nid: ${n}\ndata: hello\n\n`);
    });
    const client = track(createSseClient(server.url, { reconnect: { maxAttempts: 2 } }));
    const seen: string[] = [];
    client.on('state', (state) => seen.push(state));
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      if (client.state === 'reconnecting') client.retry();
    }
    await sleep(300);
    expect(server.requests()).toBe(3);
    expect(client.state).toBe('failed');
    expect(client.metrics().lastError?.code).toBe('RECONNECT_EXHAUSTED');
  });
});
