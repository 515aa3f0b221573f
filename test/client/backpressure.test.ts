/**
 * `events()` with `overflow: 'pause'` against a server that writes 100 MB as fast as the socket lets
 * it: while the consumer is paused the client must stop reading, so TCP pushes back on the server
 * (its writes stall) and the client's memory stays bounded; once the consumer reads, everything arrives.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSseClient, type SseClient } from '../../src/index.js';
import { SimulatedClock } from '../helpers/clock.js';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { stateReached, within } from '../helpers/wait.js';

// A real gc() makes the heap figures mean something (vitest's fork does not pass --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const TOTAL = 100 * MiB;
const EVENT = Buffer.from(`data: ${'x'.repeat(1016)}\n\n`);
const EVENTS_PER_CHUNK = 64;
const CHUNK = Buffer.concat(Array.from({ length: EVENTS_PER_CHUNK }, () => EVENT));
const CHUNKS = TOTAL / CHUNK.length;

let server: SseServer;
let client: SseClient | undefined;
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  client?.close();
  await server.close();
});

/** Writes CHUNKS copies of CHUNK, honouring `drain`, then ends; observable from the test. */
class Pump {
  written = 0;
  drainPending = false;
  private firstBlock: (() => void) | undefined;
  /** Resolves the first time a write returns false. */
  readonly blocked = new Promise<void>((resolve) => {
    this.firstBlock = resolve;
  });
  readonly done: Promise<void>;

  constructor(private readonly res: ServerResponse) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    for (let i = 0; i < CHUNKS; i++) {
      const accepted = this.res.write(CHUNK);
      this.written += CHUNK.length;
      if (!accepted) {
        this.drainPending = true;
        this.firstBlock?.();
        await once(this.res, 'drain');
        this.drainPending = false;
      }
    }
    await new Promise<void>((resolve) => this.res.end(resolve));
  }
}

function usedMemory(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Resolves once the server has written nothing for one whole window while blocked on `drain`, and
 * fails (saying what the writer did) if that never happens. That the *socket* has stopped can only
 * be observed over real time, as sockets run on real time: this window watches the kernel's TCP
 * push-back, not a client timer (those are on the test's SimulatedClock), and a correct client
 * passes at the first quiet window.
 */
async function stalled(pump: Pump, windowMs = 250, maxWindows = 20): Promise<void> {
  await within(pump.blocked, 'the writer to be blocked on drain (a write returning false)');
  const written: number[] = [];
  for (let i = 0; i < maxWindows; i++) {
    const before = pump.written;
    await new Promise<void>((resolve) => setTimeout(resolve, windowMs));
    written.push(pump.written - before);
    if (pump.written === before && pump.drainPending) return;
  }
  throw new Error(
    `expected the writer to stall (blocked on drain, nothing written for ${windowMs} ms) while the consumer is paused; ` +
      `bytes written per window: [${written.join(', ')}], ${pump.written} of ${TOTAL} in all, drain pending: ${pump.drainPending}`,
  );
}

it("overflow 'pause': a paused consumer stalls a 100 MB writer with bounded client memory, then gets every event", async () => {
  const baseline = usedMemory();
  client = createSseClient(server.url('/big'), { reconnectOnEnd: 'never', heartbeatTimeout: 0 });
  const iterator = client.events(undefined, { bufferSize: 256, overflow: 'pause' });
  const request = await server.nextRequest('/big');
  request.open();
  await stateReached(client, 'connected');
  const pump = new Pump(request.res);

  // Phase 1: nobody reads the iterator.
  await stalled(pump);
  expect(pump.written).toBeLessThan(TOTAL);
  expect(pump.drainPending).toBe(true);
  const received = client.metrics().bytesReceived;
  // undici and the stream core hold a little; the rest waits in kernel buffers or was never written.
  expect(received).toBeLessThan(16 * MiB);
  const growth = usedMemory() - baseline;
  // What the kernel, undici and one buffer of events hold: a few MB, nowhere near 100 MB.
  expect(growth).toBeLessThan(20 * MiB);
  expect(client.state).toBe('connected');

  // Phase 2: read everything; the stream ends and (reconnectOnEnd 'never') the iteration ends.
  let count = 0;
  let bytes = 0;
  for await (const event of iterator) {
    count++;
    bytes += event.data.length;
  }
  await pump.done;
  expect(pump.written).toBe(TOTAL);
  expect(count).toBe(CHUNKS * EVENTS_PER_CHUNK);
  expect(bytes).toBe(count * 1016);
  expect(client.metrics().bytesReceived).toBe(TOTAL);
  expect(client.state).toBe('closed');
}, 15_000);

// A consumer paused longer than heartbeatTimeout (or idleEventTimeout) makes the client stop reading;
// the silence is self-inflicted, so it must not drop a live connection with HEARTBEAT_TIMEOUT (or
// IDLE_EVENT_TIMEOUT).
it.each([
  ['the heartbeat', { heartbeatTimeout: 300 }],
  ['the idle-event timer', { heartbeatTimeout: 0, idleEventTimeout: 300 }],
  ['either timer', { heartbeatTimeout: 300, idleEventTimeout: 300 }],
])("overflow 'pause': a paused consumer does not trip %s of a live server", async (_, timers) => {
  const clock = new SimulatedClock();
  client = createSseClient(server.url('/live'), {
    clock,
    ...timers,
    reconnect: { initialDelay: 1, jitter: 0 },
  });
  const iterator = client.events(undefined, { bufferSize: 4, overflow: 'pause' });
  const request = await server.nextRequest('/live');
  request.open();
  await stateReached(client, 'connected');
  const errors: string[] = [];
  client.on('error', (error) => errors.push(error.code));
  const pump = new Pump(request.res);
  await stalled(pump);
  // Three timer periods of client time pass while the consumer stays paused, in steps shorter
  // than the pause keep-alive's half period, as time passes (one big jump would be one instant).
  for (let elapsed = 0; elapsed < 900; elapsed += 25) {
    clock.increment(25);
    expect(errors, `no timeout while paused, ${elapsed + 25} ms of client time in`).toEqual([]);
  }
  expect(errors).toEqual([]);
  expect(client.state).toBe('connected');
  const first = await iterator.next();
  expect(first.done).toBe(false);
});
