/**
 * The connection core's contracts (issue 12), against a real loopback server: no interpreter work
 * per chunk, one lifecycle channel with state details, the cursor that follows consumption,
 * `reconnect()`, comments, and no secret in what the machine holds or reports.
 */
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { SimulatedClock } from 'xstate';
import {
  createSseClient,
  isSseError,
  recordTrace,
  type SseError,
  type SseStateDetails,
} from '../../src/index.js';
import { bytesReceived, nextOf, stateReached, useServer, waitForState } from '../helpers/harness.js';

const h = useServer();

/** Root snapshots (one per macrostep of the chart) an inspector saw, by event type. */
function macrosteps(events: readonly InspectionEvent[], root: unknown): string[] {
  return events
    .filter((event) => event.type === '@xstate.snapshot' && event.actorRef === root)
    .map((event) => (event.type === '@xstate.snapshot' ? event.event.type : ''));
}

describe('no interpreter work per chunk', () => {
  it('100 chunks of one event each, with default options: no macrostep for any of them', async () => {
    const inspected: InspectionEvent[] = [];
    const client = h.client('/events', { inspect: (event) => inspected.push(event) });
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    const before = macrosteps(inspected, client.actor).length;
    let bytes = 0;
    for (let i = 0; i < 100; i++) {
      const chunk = `data: {"choices":[{"delta":{"content":"tok${i}"}}]}\n\n`;
      bytes += Buffer.byteLength(chunk);
      await request.write(chunk);
    }
    await bytesReceived(client, bytes);
    const during = macrosteps(inspected, client.actor).slice(before);
    expect(during, `macrosteps while 100 events without ids arrived: ${during.join(', ')}`).toEqual([]);
    expect(client.metrics().eventsReceived).toBe(100);
  });

  it('events with ids: the cursor reaches the chart coalesced, not once per chunk', async () => {
    const clock = new SimulatedClock();
    const inspected: InspectionEvent[] = [];
    const client = h.client('/events', { clock, inspect: (event) => inspected.push(event) });
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    const before = macrosteps(inspected, client.actor).length;
    let bytes = 0;
    for (let i = 1; i <= 50; i++) {
      const chunk = `id: ${i}\ndata: ${i}\n\n`;
      bytes += Buffer.byteLength(chunk);
      await request.write(chunk);
    }
    await bytesReceived(client, bytes);
    // No simulated time passed: the first change is reported at once, the rest wait for the flush.
    expect(macrosteps(inspected, client.actor).slice(before)).toEqual(['STREAM.PROGRESS']);
    clock.increment(100);
    expect(macrosteps(inspected, client.actor).slice(before)).toEqual(['STREAM.PROGRESS', 'STREAM.PROGRESS']);
    expect(client.actor.getSnapshot().context.lastEventId).toBe('50');
  });

  it('a timer configured as 0 is never scheduled (idleEventTimeout defaults to 0)', async () => {
    const real = new SimulatedClock();
    const delays: number[] = [];
    const clock = {
      setTimeout: (fn: () => void, ms: number) => {
        delays.push(ms);
        return real.setTimeout(fn, ms);
      },
      clearTimeout: (id: unknown) => real.clearTimeout(id as number),
      now: () => real.now(),
    };
    const client = h.client('/events', { clock, connectTimeout: 0, heartbeatTimeout: 0 });
    const request = await h.server.nextRequest('/events');
    request.open();
    await waitForState(client, 'connected');
    await request.write('data: x\n\n');
    await bytesReceived(client, 9);
    // Only the chart's resetAfter (10 s) is pending: no 0 ms timer was ever set.
    expect(delays, `timers set: ${delays.join(', ')}`).toEqual([10_000]);
  });
});

describe('one lifecycle channel', () => {
  it('state details carry the wait, its reason and the very error the error listeners get', async () => {
    const clock = new SimulatedClock();
    const client = h.client('/events', { clock, reconnect: { initialDelay: 1000, jitter: 0 } });
    const states: [string, SseStateDetails][] = [];
    const errors: SseError[] = [];
    client.on('state', (state, details) => states.push([state, details]));
    client.on('error', (error) => errors.push(error));
    const first = await h.server.nextRequest('/events');
    first.respond(503, { 'retry-after': '3' }, 'busy');
    await stateReached(client, 'reconnecting');
    const [state, details] = states.at(-1) ?? [];
    expect(state).toBe('reconnecting');
    expect(details).toMatchObject({ previous: 'connecting', attempt: 1, delay: 3000, reason: 'retry-after' });
    expect(details?.error, 'the same SseError object on both channels').toBe(errors[0]);
    expect(details?.error?.status).toBe(503);
    expect(details?.error?.headers?.['retry-after']).toBe('3');
    clock.increment(3000);
    const second = await h.server.nextRequest('/events');
    second.open();
    await stateReached(client, 'connected');
    second.destroy();
    await stateReached(client, 'reconnecting');
    const [, dropped] = states.at(-1) ?? [];
    // The second reconnect in a row: exponential, 2 × initialDelay.
    expect(dropped).toMatchObject({ previous: 'connected', attempt: 2, delay: 2000, reason: 'backoff' });
    expect(dropped?.error?.code).toBe('NETWORK');
    expect(dropped?.error?.cause, 'the transport error is kept as cause').toBeInstanceOf(Error);
  });

  it('RECONNECT_EXHAUSTED carries the live failure as its cause, reported first as itself', async () => {
    const client = h.client('/events', { reconnect: { strategy: 'none' } });
    const errors: SseError[] = [];
    client.on('error', (error) => errors.push(error));
    (await h.server.nextRequest('/events')).respond(503, {}, 'busy');
    await stateReached(client, 'failed');
    expect(errors.map((error) => error.code)).toEqual(['HTTP_STATUS', 'RECONNECT_EXHAUSTED']);
    expect(errors[1]?.cause).toBe(errors[0]);
    expect(isSseError(errors[1]?.cause)).toBe(true);
  });
});

describe('the cursor follows consumption', () => {
  it('an iterator that is killed at random points and restarted from the persisted cursor sees every event once', async () => {
    const total = 200;
    const seen: number[] = [];
    let persisted = '';
    let seed = 0x2f6b;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    h.server.route('/counter', (request) => {
      request.open();
      const from = Number(request.headers['last-event-id'] ?? '0');
      // The whole rest of the stream at once: the iterator's buffer fills and holds the socket.
      void request.write(
        Array.from({ length: total - from }, (_, i) => `id: ${from + i + 1}\ndata: ${from + i + 1}\n\n`).join(
          '',
        ),
      );
    });
    for (let run = 0; seen.length < total && run < 50; run++) {
      const client = createSseClient(h.server.url('/counter'), { lastEventId: persisted });
      client.on('cursor', (id) => {
        persisted = id;
      });
      // The process "crashes" after a random number of processed events.
      const crashAfter = 1 + Math.floor(random() * 40);
      let processed = 0;
      for await (const event of client.events([], { bufferSize: 16 })) {
        await new Promise<void>((resolve) => setImmediate(resolve)); // a slow consumer
        seen.push(Number(event.data));
        processed++;
        expect(persisted, 'the cursor never runs ahead of what the loop has taken').toBe(event.lastEventId);
        if (processed === crashAfter || seen.length === total) break;
      }
      client.close();
    }
    expect(seen, 'every event exactly once, in order, across the restarts').toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
  });
});

describe('reconnect() and comments', () => {
  it('reconnect() drops the live attempt, resumes from the cursor, counts a reconnect; a no-op after close()', async () => {
    const client = h.client('/events');
    const first = await h.server.nextRequest('/events');
    first.open();
    await first.write('id: 7\ndata: x\n\n');
    await nextOf(client, 'cursor');
    client.reconnect();
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('7');
    second.open();
    await stateReached(client, 'connected');
    expect(client.metrics().reconnects).toBe(1);
    expect(client.metrics().attempt).toBe(2);
    client.close();
    client.reconnect();
    expect(client.state).toBe('closed');
    expect(h.server.received).toHaveLength(2);
  });

  it('every comment line reaches comment listeners; a server event named comment arrives as event:comment', async () => {
    const client = h.client('/events');
    const comments = nextOf(client, 'comment', 2);
    const named = nextOf(client, 'event:comment');
    const request = await h.server.nextRequest('/events');
    request.open();
    await request.write(': keep-alive\n:no space\nevent: comment\ndata: from the server\n\n');
    expect(await comments).toEqual(['keep-alive', 'no space']);
    expect((await named)[0]?.data).toBe('from the server');
  });
});

describe('no secret at rest', () => {
  it('snapshots, traces and inspection events hold no query, header value, body or cookie', async () => {
    const inspected: InspectionEvent[] = [];
    const client = h.client('/events?token=QUERY-SECRET', {
      method: 'POST',
      body: '{"prompt":"BODY-SECRET"}',
      headers: { authorization: 'Bearer HEADER-SECRET' },
      inspect: (event) => inspected.push(event),
    });
    const lines: string[] = [];
    const stop = recordTrace(client, (line) => lines.push(line));
    const request = await h.server.nextRequest('/events');
    expect(request.headers.authorization, 'the request itself carries them').toBe('Bearer HEADER-SECRET');
    request.open({ 'set-cookie': 'session=COOKIE-SECRET' });
    await stateReached(client, 'connected');
    request.destroy();
    // A POST whose answer was accepted is not sent again without a cursor (resendAccepted).
    await stateReached(client, 'failed');
    stop();
    const everything = [
      JSON.stringify(client.actor.getPersistedSnapshot()),
      JSON.stringify(client.actor.getSnapshot()),
      ...lines,
      // What an inspector serializes: the event and the snapshot of each inspection record.
      ...inspected.map((event) =>
        JSON.stringify({
          event: 'event' in event ? event.event : undefined,
          snapshot: 'snapshot' in event ? event.snapshot : undefined,
        }),
      ),
      JSON.stringify(client.metrics()),
    ].join('\n');
    for (const secret of ['QUERY-SECRET', 'HEADER-SECRET', 'BODY-SECRET', 'COOKIE-SECRET']) {
      expect(
        everything.includes(secret),
        `${secret} found in a snapshot, trace line or inspection event`,
      ).toBe(false);
    }
  });
});
