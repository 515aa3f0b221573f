import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseError } from '../../src/index.js';
import { SimulatedClock } from '../helpers/clock.js';
import { listenOnLoopback } from '../helpers/loopback.js';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { bytesReceived, nextError, stateReached } from '../helpers/wait.js';

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

/** A raw TCP server, for peers that do not even speak HTTP properly. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<{ url: string }> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  return { url: `http://127.0.0.1:${await listenOnLoopback(server, cleanups)}/` };
}

describe('hostile servers', () => {
  it('a gigantic line (64 MiB, no newline) ends in EVENT_TOO_LARGE and the client stops reading', async () => {
    const server = await loopback();
    const client = track(createSseClient(server.url('/huge'), { maxEventSize: 1024 * 1024 }));
    const request = await server.nextRequest('/huge');
    request.open();
    const failed = stateReached(client, 'failed');
    const error = nextError(client);
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
    // Client time stands still (SimulatedClock): connectTimeout cannot fire, so what ends the wait
    // is undici refusing headers past its limit, on any machine.
    const clock = new SimulatedClock();
    const client = track(
      createSseClient(url, { clock, connectTimeout: 2000, reconnect: { maxAttempts: 1 } }),
    );
    const error = await nextError(client);
    expect(['NETWORK', 'CONNECT_TIMEOUT']).toContain(error.code);
    expect(error.code, `undici's header limit, not the (frozen) connectTimeout: ${error.message}`).toBe(
      'NETWORK',
    );
  });

  it('a redirect loop fails with REDIRECT after one attempt', async () => {
    const server = await loopback();
    server.route('/a', (request) => request.respond(302, { location: '/b' }));
    server.route('/b', (request) => request.respond(302, { location: '/a' }));
    const client = track(createSseClient(server.url('/a')));
    const error = await nextError(client);
    await stateReached(client, 'failed');
    expect(error.code).toBe('REDIRECT');
    // One attempt of at most a full loop: no spin.
    expect(server.received.length).toBeLessThanOrEqual(3);
  });

  it('a trickle of keep-alives keeps the heartbeat alive; idleEventTimeout still detects the stall', async () => {
    const server = await loopback();
    const clock = new SimulatedClock();
    const client = track(
      createSseClient(server.url('/trickle'), {
        clock,
        heartbeatTimeout: 400,
        idleEventTimeout: 600,
        reconnect: { strategy: 'none' },
      }),
    );
    const request = await server.nextRequest('/trickle');
    request.open();
    await stateReached(client, 'connected');
    const error = nextError(client);
    let failed = false;
    void error.then(() => {
      failed = true;
    });
    // One byte per 50 ms of client time, each read before the clock moves on: the connection is
    // alive (a few bytes per heartbeat period) but useless (no event).
    const bytes = Buffer.from(':\n');
    let index = 0;
    while (!failed && index < 40) {
      await request.write(bytes.subarray(index % 2, (index % 2) + 1));
      index++;
      await bytesReceived(client, index);
      clock.increment(50);
      await Promise.resolve();
    }
    // The attempt's failure is reported first, then the decision to stop, which carries it.
    expect((await error).code).toBe('IDLE_EVENT_TIMEOUT');
    await stateReached(client, 'failed');
    expect(client.actor.getSnapshot().context.lastError?.code).toBe('RECONNECT_EXHAUSTED');
    expect((client.actor.getSnapshot().context.lastError?.cause as SseError | undefined)?.code).toBe(
      'IDLE_EVENT_TIMEOUT',
    );
    expect(index).toBeGreaterThan(8); // bytes kept flowing past two heartbeat periods
    // idleEventTimeout (600 ms) is reached at the 12th step of 50 ms, not before.
    expect(index, 'bytes written before idleEventTimeout fired: 600 ms / 50 ms').toBe(12);
  });
});
