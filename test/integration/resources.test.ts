import { describe, expect, it } from 'vitest';
import type { SseClient } from '../../src/index.js';
import { nextEvents, settle, useServer, waitForState } from '../helpers/harness.js';

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

  it('while reconnecting (backoff timer running)', async () => {
    const baseline = counts();
    const client = h.client('/events', { reconnect: { initialDelay: 60_000, jitter: 0 } });
    (await h.server.nextRequest('/events')).respond(503);
    await waitForState(client, 'reconnecting');
    await expectReleased(client, baseline);
  });

  it('while failed (after a fatal status)', async () => {
    const baseline = counts();
    const client = h.client('/events');
    (await h.server.nextRequest('/events')).respond(404, { 'content-type': 'text/plain' }, 'gone');
    await waitForState(client, 'failed');
    await expectReleased(client, baseline);
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
