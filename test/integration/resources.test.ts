import { describe, expect, it } from 'vitest';
import type { SseClient } from '../../src/index.js';
import { nextEvents, settle, useServer, waitForState } from './harness.js';

const h = useServer();

/** Resource kinds that would keep the process alive: timers and sockets. */
const WATCHED = ['Timeout', 'TCPSocketWrap'] as const;

function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of WATCHED) out[kind] = 0;
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind in out) out[kind] = (out[kind] as number) + 1;
  }
  return out;
}

/**
 * Resolves with the watched resource counts once none exceeds the baseline, or with the last counts
 * after a bounded number of event-loop turns (no timer: each turn is a setImmediate).
 */
async function resourcesBackTo(baseline: Record<string, number>): Promise<Record<string, number>> {
  let now = counts();
  for (let turn = 0; turn < 500; turn++) {
    if (WATCHED.every((kind) => (now[kind] as number) <= (baseline[kind] as number))) return now;
    await settle(1);
    now = counts();
  }
  return now;
}

async function expectReleased(client: SseClient, baseline: Record<string, number>): Promise<void> {
  client.close();
  expect(client.state).toBe('closed');
  await h.server.waitForSockets(0);
  const after = await resourcesBackTo(baseline);
  for (const kind of WATCHED) expect(after[kind], kind).toBeLessThanOrEqual(baseline[kind] as number);
}

/**
 * close() after the attempt's socket went back to undici's pool: no extra timer, at most one idle
 * server-side socket, and no client-side socket that keeps the process alive (the server-side
 * sockets of the loopback server live in this process too, hence `+ server.sockets`).
 */
async function expectReleasedToPool(client: SseClient, baseline: Record<string, number>): Promise<void> {
  client.close();
  expect(client.state).toBe('closed');
  await settle(20);
  expect(h.server.sockets).toBeLessThanOrEqual(1);
  const allowed: Record<string, number> = {
    ...baseline,
    TCPSocketWrap: (baseline.TCPSocketWrap as number) + h.server.sockets,
  };
  const after = await resourcesBackTo(allowed);
  for (const kind of WATCHED) expect(after[kind], kind).toBeLessThanOrEqual(allowed[kind] as number);
}

describe('close() releases every socket and timer', () => {
  it('while connecting (request sent, no headers yet)', async () => {
    const baseline = counts();
    const client = h.client('/events', { connectTimeout: 60_000 });
    await h.server.nextRequest('/events');
    expect(client.state).toBe('connecting');
    await expectReleased(client, baseline);
  });

  it('while connected (heartbeat timer running, body open)', async () => {
    const baseline = counts();
    const client = h.client('/events', { heartbeatTimeout: 60_000, idleEventTimeout: 60_000 });
    const request = await h.server.nextRequest('/events');
    request.open();
    const received = nextEvents(client, 1);
    await request.write('data: x\n\n');
    await received;
    expect(client.state).toBe('connected');
    await expectReleased(client, baseline);
  });

  // After a complete non-2xx response undici keeps the connection idle in its (shared) pool, as any
  // HTTP client does: unref'd on the client side, so it keeps nothing alive, but the server still
  // sees it until its keep-alive timeout. These two tests assert exactly that; the servers that say
  // `Connection: close` get 0 sockets (next describe block).
  it('while reconnecting (backoff timer running)', async () => {
    const baseline = counts();
    const client = h.client('/events', { reconnect: { initialDelay: 60_000, jitter: 0 } });
    (await h.server.nextRequest('/events')).respond(503);
    await waitForState(client, 'reconnecting');
    await expectReleasedToPool(client, baseline);
  });

  it('while failed (after a fatal status)', async () => {
    const baseline = counts();
    const client = h.client('/events');
    (await h.server.nextRequest('/events')).respond(404, { 'content-type': 'text/plain' }, 'gone');
    await waitForState(client, 'failed');
    await expectReleasedToPool(client, baseline);
  });

  it('while idle (never connected), and nothing connects afterwards', async () => {
    const baseline = counts();
    const client = h.client('/events', { autoConnect: false });
    await expectReleased(client, baseline);
    client.connect();
    await settle(20);
    expect(client.state).toBe('closed');
    expect(h.server.received).toHaveLength(0);
  });
});

describe('close() after an error response that closes its connection', () => {
  it.each([
    [503, 'reconnecting'],
    [404, 'failed'],
  ] as const)('%i → %s: the server sees 0 sockets', async (status, state) => {
    const baseline = counts();
    const client = h.client('/events', { reconnect: { initialDelay: 60_000, jitter: 0 } });
    (await h.server.nextRequest('/events')).respond(status, { connection: 'close' });
    await waitForState(client, state);
    await expectReleased(client, baseline);
  });
});
