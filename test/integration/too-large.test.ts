import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENT_SIZE, type SseClient } from '../../src/index.js';
import { nextError, settle, useServer, waitForState } from '../helpers/harness.js';
import type { ParkedRequest } from '../helpers/sse-server.js';

const h = useServer();

const CHUNK = 64 * 1024;

/**
 * Write one unterminated `data:` line of `total` bytes in 64 KiB chunks, until everything is written
 * or the client drops the connection (then a write rejects). Samples the heap after every write.
 */
async function writeLongLine(
  request: ParkedRequest,
  total: number,
): Promise<{ written: number; peakHeap: number }> {
  const filler = Buffer.alloc(CHUNK, 'a');
  let written = 0;
  let peakHeap = process.memoryUsage().heapUsed;
  try {
    await request.write('data: ');
    written = 6;
    while (written < total) {
      const size = Math.min(CHUNK, total - written);
      await request.write(size === CHUNK ? filler : filler.subarray(0, size));
      written += size;
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
  } catch {
    // The client dropped the connection: that is what these tests expect.
  }
  return { written, peakHeap };
}

async function expectFailedForGood(client: SseClient): Promise<void> {
  await waitForState(client, 'failed');
  await settle(20);
  expect(client.state).toBe('failed');
  expect(h.server.received).toHaveLength(1);
}

describe('an event larger than maxEventSize', () => {
  it('a 16 MiB + 1 line with the default limit: EVENT_TOO_LARGE, failed, heap growth bounded', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const client = h.client('/events', { reconnect: { initialDelay: 1, jitter: 0 } });
    const tooLarge = nextError(client);
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    const writing = writeLongLine(request, DEFAULT_MAX_EVENT_SIZE + 1);
    const error = await tooLarge;
    const { peakHeap } = await writing;
    expect(error.code).toBe('EVENT_TOO_LARGE');
    expect(error.attempt).toBe(1);
    await expectFailedForGood(client);
    // The connection is dropped, not drained.
    await h.server.waitForSockets(0);
    expect(peakHeap - heapBefore).toBeLessThan(2 * DEFAULT_MAX_EVENT_SIZE);
  });

  it('with maxEventSize 1 MiB it stops reading soon after 1 MiB of a 16 MiB line', async () => {
    const limit = 1024 * 1024;
    const client = h.client('/events', { maxEventSize: limit });
    const tooLarge = nextError(client);
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    const writing = writeLongLine(request, 16 * limit);
    expect((await tooLarge).code).toBe('EVENT_TOO_LARGE');
    await h.server.waitForSockets(0);
    await writing;
    // The chunk that crossed the limit is the last one read.
    const received = client.metrics().bytesReceived;
    expect(received).toBeGreaterThan(limit);
    expect(received).toBeLessThan(limit + 4 * CHUNK);
    await expectFailedForGood(client);
  });

  it('reconnects instead when shouldReconnect asks for it', async () => {
    const client = h.client('/events', {
      maxEventSize: 1024,
      reconnect: { initialDelay: 1, jitter: 0 },
      shouldReconnect: ({ error }) => (error.code === 'EVENT_TOO_LARGE' ? 0 : true),
    });
    const first = await h.server.nextRequest('/events');
    first.open();
    await first.write(`data: ${'x'.repeat(2048)}`);
    const second = await h.server.nextRequest('/events');
    second.open();
    await waitForState(client, 'connected');
    expect(client.metrics().lastError?.code).toBe('EVENT_TOO_LARGE');
  });
});
