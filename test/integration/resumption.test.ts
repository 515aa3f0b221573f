import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../src/index.js';
import { useServer } from '../helpers/harness.js';
import { seededRandom } from '../helpers/random.js';

// Issue 3, point 3: resumption never loses, duplicates or reorders an event, however the connection
// breaks. A replaying server cuts every connection at a chosen byte, 200 times; the client must
// end up with every event exactly once, in order.
const h = useServer();

const EVENTS = 2000;
const DISCONNECTS = 200;
const SEED = 0x5eed_2024;

/** The data of event `i`: two lines of multi-byte text (2-, 3- and 4-byte UTF-8). */
function dataOf(i: number): string {
  return `événement ${i} – 日本語 😀\n${'é'.repeat(i % 7)}ß ${i}`;
}

/** Event `i` on the wire, with CRLF line ends throughout. */
function wireOf(i: number): Buffer {
  const lines = dataOf(i)
    .split('\n')
    .map((line) => `data: ${line}\r\n`)
    .join('');
  return Buffer.from(`id: ${i}\r\n${lines}\r\n`, 'utf8');
}

type CutKind = 'mid-line' | 'mid-utf8' | 'mid-crlf' | 'anywhere';
const KINDS: readonly CutKind[] = ['mid-line', 'mid-utf8', 'mid-crlf', 'anywhere'];

/** Offsets inside `bytes` (0 < p < length) where a cut is of the given kind. */
function cutPoints(bytes: Buffer, kind: CutKind): number[] {
  const points: number[] = [];
  for (let p = 1; p < bytes.length; p++) {
    const before = bytes[p - 1] as number;
    const at = bytes[p] as number;
    const ok =
      kind === 'anywhere' ||
      (kind === 'mid-utf8' && (at & 0xc0) === 0x80) ||
      (kind === 'mid-crlf' && before === 0x0d && at === 0x0a) ||
      (kind === 'mid-line' && before !== 0x0d && before !== 0x0a && at !== 0x0d && at !== 0x0a);
    if (ok) points.push(p);
  }
  return points;
}

describe('resumption under 200 forced disconnects at random bytes', () => {
  it('delivers all 2000 events exactly once, in order', async () => {
    const random = seededRandom(SEED);
    const wire = Array.from({ length: EVENTS }, (_, i) => wireOf(i));
    const start = [0];
    for (const bytes of wire) start.push((start.at(-1) as number) + bytes.length);
    const stream = Buffer.concat(wire);

    let disconnects = 0;
    const kinds = new Map<CutKind, number>();
    const cursors: string[] = [];
    h.server.route('/stream', async (request) => {
      const cursor = request.headers['last-event-id'];
      cursors.push(typeof cursor === 'string' ? cursor : '');
      const from = typeof cursor === 'string' ? Number(cursor) + 1 : 0;
      request.open();
      const remainingCuts = DISCONNECTS - disconnects;
      if (remainingCuts === 0) {
        await request.write(stream.subarray(start[from]));
        return;
      }
      // Spread the cuts over the remaining events: on average half a spread of progress per cut.
      let cut = start[from] as number;
      const kind = KINDS[disconnects % KINDS.length] as CutKind;
      if (from < EVENTS) {
        const spread = Math.max(1, Math.floor((2 * (EVENTS - from)) / remainingCuts));
        const target = Math.min(EVENTS - 1, from + Math.floor(random() * spread));
        const points = cutPoints(wire[target] as Buffer, kind);
        cut = (start[target] as number) + (points[Math.floor(random() * points.length)] as number);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      disconnects++;
      if (cut > (start[from] as number)) await request.write(stream.subarray(start[from], cut));
      request.destroy();
    });

    const client = h.client('/stream', { reconnect: { strategy: 'immediate', jitter: 0 } });
    const received: SseEvent[] = [];
    const all = new Promise<void>((resolve) => {
      client.on('message', (event) => {
        received.push(event);
        if (received.length === EVENTS) resolve();
      });
    });
    await all;

    // Exactly once, in order, intact: compare the whole sequence, then report in numbers.
    const ids = received.map((event) => Number(event.lastEventId));
    const lost = EVENTS - new Set(ids).size;
    const duplicated = ids.length - new Set(ids).size;
    const reordered = ids.filter((id, index) => index > 0 && id <= (ids[index - 1] as number)).length;
    expect({ lost, duplicated, reordered }).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(received).toEqual(
      Array.from({ length: EVENTS }, (_, i) => ({
        type: 'message',
        data: dataOf(i),
        lastEventId: String(i),
      })),
    );

    expect(disconnects).toBe(DISCONNECTS);
    expect(cursors).toHaveLength(DISCONNECTS + 1);
    expect(client.metrics().reconnects).toBe(DISCONNECTS);
    for (const kind of KINDS) expect(kinds.get(kind) ?? 0, kind).toBeGreaterThanOrEqual(DISCONNECTS / 8);
    // The cursor the server was given never went backwards.
    const numeric = cursors.slice(1).map(Number);
    expect(numeric.every((value, index) => index === 0 || value >= (numeric[index - 1] as number))).toBe(
      true,
    );
    expect(client.lastEventId).toBe(String(EVENTS - 1));
    expect(client.state).toBe('connected');
  });
});
