/**
 * Chaos: a server that replays a fixed sequence of events from `Last-Event-ID` and, on every
 * connection, injects one fault chosen by a seeded PRNG. The client must deliver every event exactly
 * once and in order, and report each fault as the right `SseError` code, in the order injected.
 *
 * The client's time is a `SimulatedClock` that the server moves: a stall or a withheld response
 * advances it by the timeout once the client has read every byte sent, so a healthy or trickling
 * response can never look dead on a loaded machine, and no test time is spent waiting for timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseEvent } from '../../src/index.js';
import { SimulatedClock } from '../helpers/clock.js';
import { seededRandom } from '../helpers/random.js';
import { type ParkedRequest, type SseServer, startSseServer } from '../helpers/sse-server.js';
import { bytesReceived } from '../helpers/wait.js';

const TOTAL = 2000;
// heartbeatTimeout and connectTimeout, in client (simulated) time.
const TIMEOUT = 300;
const clock = new SimulatedClock();
let client: SseClient | undefined;

type Fault = 'reset' | 'stall' | 'trickle' | 'unavailable' | 'slow-headers' | 'clean-end';
/** The error each fault must surface as; `undefined`: no error (the stream just continues or ends). */
const EXPECTED_CODE: Record<Fault, string | undefined> = {
  reset: 'NETWORK',
  stall: 'HEARTBEAT_TIMEOUT',
  trickle: undefined,
  unavailable: 'HTTP_STATUS',
  'slow-headers': 'CONNECT_TIMEOUT',
  'clean-end': undefined,
};
const FAULTS = Object.keys(EXPECTED_CODE) as Fault[];

function eventText(index: number): string {
  // Multi-byte text and a multi-line payload, so partial writes split characters and lines.
  return `id: ${index}\nevent: tick\ndata: ${index} ünïcødé ✓\ndata: line two\n\n`;
}

describe('chaos: random faults on every connection', () => {
  let server: SseServer;
  const injected: Fault[] = [];

  beforeAll(async () => {
    server = await startSseServer();
    const random = seededRandom(0xc4a05);
    server.route('/chaos', async (request: ParkedRequest) => {
      const cursor = request.headers['last-event-id'];
      const from = cursor === undefined ? 0 : Number(cursor) + 1;
      // Enough faults to exercise each many times, then a clean run to the end.
      const fault: Fault | 'finish' =
        injected.length < 120 ? (FAULTS[Math.floor(random() * FAULTS.length)] as Fault) : 'finish';
      if (fault !== 'finish') injected.push(fault);
      if (fault === 'unavailable') {
        request.respond(503, { 'retry-after': '0' }, 'busy');
        return;
      }
      if (fault === 'slow-headers') {
        // Never answer: the client (connecting since it sent this request) reaches connectTimeout.
        clock.increment(TIMEOUT);
        return;
      }
      const before = client?.metrics().bytesReceived ?? 0;
      request.open();
      const batch = fault === 'finish' ? TOTAL - from : 1 + Math.floor(random() * 40);
      const body = Buffer.from(
        Array.from({ length: Math.max(0, Math.min(batch, TOTAL - from)) }, (_, k) =>
          eventText(from + k),
        ).join(''),
      );
      if (fault === 'reset' || fault === 'stall') {
        // Cut anywhere: mid-line, mid-UTF-8 sequence, between an event's lines.
        const cut = Math.floor(random() * body.length);
        await request.write(body.subarray(0, cut)).catch(() => undefined);
        if (fault === 'reset') request.destroy();
        else if (client !== undefined) {
          // Stall: keep the socket open and silent; once the client has read what was sent, its
          // heartbeat period passes.
          await bytesReceived(client, before + cut);
          clock.increment(TIMEOUT);
        }
        return;
      }
      if (fault === 'trickle') {
        const slow = Math.min(body.length, 64);
        for (let i = 0; i < slow; i++) await request.write(body.subarray(i, i + 1)).catch(() => undefined);
        await request.write(body.subarray(slow)).catch(() => undefined);
      } else {
        await request.write(body).catch(() => undefined);
      }
      await request.end().catch(() => undefined);
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('delivers 2000 events exactly once, in order, and reports every fault with its code', async () => {
    const sse = createSseClient(server.url('/chaos'), {
      clock,
      heartbeatTimeout: TIMEOUT,
      connectTimeout: TIMEOUT,
      reconnect: { strategy: 'immediate', jitter: 0 },
      reconnectOnEnd: 'always',
    });
    client = sse;
    const received: number[] = [];
    const codes: string[] = [];
    sse.on('error', (error) => codes.push(error.code));
    // 'immediate' is a wait of 0 on the client's clock: let it pass, outside the client's own call.
    sse.on('state', (state) => {
      if (state === 'reconnecting') queueMicrotask(() => clock.increment(0));
    });
    const done = new Promise<void>((resolve) => {
      sse.on('tick', (event: SseEvent) => {
        expect(event.data).toBe(`${event.lastEventId} ünïcødé ✓\nline two`);
        received.push(Number(event.lastEventId));
        if (received.length === TOTAL) resolve();
      });
    });
    await done;
    sse.close();

    const lost = TOTAL - new Set(received).size;
    const duplicated = received.length - new Set(received).size;
    const reordered = received.filter(
      (value, index) => index > 0 && value < (received[index - 1] as number),
    ).length;
    const expectedCodes = injected.map((fault) => EXPECTED_CODE[fault]).filter((code) => code !== undefined);
    console.log(
      `chaos: ${injected.length} faults (${FAULTS.map((f) => `${f} ${injected.filter((x) => x === f).length}`).join(', ')}); ` +
        `${received.length} events, lost ${lost}, duplicated ${duplicated}, reordered ${reordered}`,
    );
    expect({ lost, duplicated, reordered }).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(received).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    expect(codes).toEqual(expectedCodes);
  }, 60_000);
});
