/**
 * Issue 13, point 1, against a real loopback server: a `retry:` of 400 digits (or a 400-digit
 * `Retry-After`) must not turn into a `NaN` wait and a reconnect loop once the server is gone.
 * Before the fix: 214–361 attempts per second; after: the policy's attempts, no more.
 */
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
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

describe('hostile retry values against a real server', () => {
  it('retry: of 400 digits, then the server goes away: one attempt, then a MAX_DELAY wait (no loop)', async () => {
    const server = await listen((response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`retry: ${'9'.repeat(400)}\n\ndata: hello\n\n`);
    });
    // Client time is simulated: the wait is read from the state details, and time moved by hand.
    const clock = new SimulatedClock();
    const client = track(createSseClient(server.url, { clock }));
    const attempts = countAttempts(client);
    await new Promise<void>((resolve) => client.on('message', () => resolve()));
    const planned = new Promise<number | undefined>((resolve) =>
      client.on('state', (state, { delay }) => state === 'reconnecting' && resolve(delay)),
    );
    await server.goAway();
    expect(await planned, 'the wait the chart planned after the drop').toBe(MAX_DELAY);
    clock.increment(MAX_DELAY - 1);
    expect(client.state).toBe('reconnecting');
    expect(attempts(), 'attempts before the planned wait ran out').toBe(1);
    expect(client.metrics().attempt).toBe(1);
  });

  it('with maxAttempts 3 and a server answering 503 + a 400-digit Retry-After: one request, then a capped wait', async () => {
    const server = await listen((response) => {
      response.writeHead(503, { 'retry-after': '9'.repeat(400) });
      response.end();
    });
    const clock = new SimulatedClock();
    const client = track(createSseClient(server.url, { clock, reconnect: { maxAttempts: 3 } }));
    const planned = new Promise<number | undefined>((resolve) =>
      client.on('state', (state, { delay }) => state === 'reconnecting' && resolve(delay)),
    );
    expect(await planned, 'the wait after a 400-digit Retry-After').toBe(MAX_DELAY);
    clock.increment(MAX_DELAY - 1);
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
    const clock = new SimulatedClock();
    const client = track(createSseClient(server.url, { clock, reconnect: { maxAttempts: 2 } }));
    const delays: (number | undefined)[] = [];
    const failed = new Promise<void>((resolve) =>
      client.on('state', (state, { delay }) => {
        if (state === 'failed') resolve();
        if (state !== 'reconnecting') return;
        delays.push(delay);
        // Skip each (capped) wait at once: nothing but the policy limits the attempts.
        queueMicrotask(() => client.retry());
      }),
    );
    await failed;
    expect(delays, 'each planned wait is the capped retry:').toEqual([MAX_DELAY, MAX_DELAY]);
    expect(server.requests()).toBe(3);
    expect(client.state).toBe('failed');
    expect(client.metrics().lastError?.code).toBe('RECONNECT_EXHAUSTED');
  });
});
