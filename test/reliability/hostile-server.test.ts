/**
 * Hostile servers: what a broken or malicious peer can do must end in a typed error with bounded
 * memory, never in a hang, a crash or a spin.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseError } from '../../src/index.js';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(client: SseClient): SseClient {
  cleanups.push(() => client.close());
  return client;
}

async function loopback(): Promise<SseServer> {
  const server = await startSseServer();
  cleanups.push(() => server.close());
  return server;
}

function firstError(client: SseClient): Promise<SseError> {
  return new Promise((resolve) => {
    const off = client.on('error', (error) => {
      off();
      resolve(error);
    });
  });
}

function stateReached(client: SseClient, state: string): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === state) return resolve();
    const off = client.on('state', (next) => {
      if (next === state) {
        off();
        resolve();
      }
    });
  });
}

/** A raw TCP server, for peers that do not even speak HTTP properly. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<{ url: string }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/` };
}

describe('hostile servers', () => {
  it('a gigantic line (64 MiB, no newline) ends in EVENT_TOO_LARGE and the client stops reading', async () => {
    const server = await loopback();
    const client = track(createSseClient(server.url('/huge'), { maxEventSize: 1024 * 1024 }));
    const request = await server.nextRequest('/huge');
    request.open();
    const failed = stateReached(client, 'failed');
    const error = firstError(client);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    let written = 0;
    const before = process.memoryUsage().heapUsed;
    try {
      await request.write('data: ');
      while (written < 64 * 1024 * 1024) {
        await request.write(chunk);
        written += chunk.length;
      }
    } catch {
      // The client dropped the connection: the server cannot write the rest. That is the point.
    }
    await failed;
    expect((await error).code).toBe('EVENT_TOO_LARGE');
    expect(written).toBeLessThan(64 * 1024 * 1024);
    // Bounded: the parser never held much more than the limit.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('endless response headers end in a typed error, not a hang', async () => {
    const { url } = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n');
      const line = `x-junk: ${'j'.repeat(1000)}\r\n`;
      const pump = (): void => {
        while (!socket.destroyed && socket.write(line));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    const client = track(createSseClient(url, { connectTimeout: 2000, reconnect: { maxAttempts: 1 } }));
    const error = await firstError(client);
    // undici refuses headers past its limit (NETWORK); a slower machine may hit connectTimeout first.
    expect(['NETWORK', 'CONNECT_TIMEOUT']).toContain(error.code);
  });

  it('a redirect loop fails with REDIRECT after one attempt', async () => {
    const server = await loopback();
    server.route('/a', (request) => request.respond(302, { location: '/b' }));
    server.route('/b', (request) => request.respond(302, { location: '/a' }));
    const client = track(createSseClient(server.url('/a')));
    const error = await firstError(client);
    await stateReached(client, 'failed');
    expect(error.code).toBe('REDIRECT');
    // One attempt of at most a full loop: no spin.
    expect(server.received.length).toBeLessThanOrEqual(3);
  });

  it('a trickle of keep-alives keeps the heartbeat alive; idleEventTimeout still detects the stall', async () => {
    const server = await loopback();
    const client = track(
      createSseClient(server.url('/trickle'), {
        heartbeatTimeout: 400,
        idleEventTimeout: 600,
        reconnect: { strategy: 'none' },
      }),
    );
    const request = await server.nextRequest('/trickle');
    request.open();
    // One byte at a time, a few per heartbeat period: the connection is alive but useless.
    const bytes = Buffer.from(':\n');
    let index = 0;
    const timer = setInterval(() => {
      request.write(bytes.subarray(index % 2, (index % 2) + 1)).catch(() => undefined);
      index++;
    }, 50);
    cleanups.push(() => clearInterval(timer));
    const error = await firstError(client);
    expect(error.code).toBe('RECONNECT_EXHAUSTED');
    expect((client.actor.getSnapshot().context.lastError?.cause as SseError | undefined)?.code).toBe(
      'IDLE_EVENT_TIMEOUT',
    );
    expect(index).toBeGreaterThan(8); // bytes kept flowing past two heartbeat periods
  });
});
