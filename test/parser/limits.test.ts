/**
 * `maxEventSize`: a stream that never ends its line, or piles data lines into one event, must cost
 * bounded memory and be reported once as `EVENT_TOO_LARGE`, after which the parser ignores input
 * until `reset()`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isSseError, type SseError } from '../../src/errors.js';
import { createEventStreamParser, DEFAULT_MAX_EVENT_SIZE } from '../../src/parser/index.js';
import type { SseEvent } from '../../src/parser/types.js';
import { cutAt, parseChunks, utf8 } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

// The suite runs without --expose-gc; this makes a collector callable so heap numbers mean retained memory.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function retainedHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A parser that records events and errors separately. */
function limited(maxEventSize: number) {
  const events: SseEvent[] = [];
  const errors: SseError[] = [];
  const parser = createEventStreamParser(
    { onEvent: (event) => events.push(event), onError: (error) => errors.push(error) },
    { maxEventSize },
  );
  return { parser, events, errors };
}

describe('a line longer than maxEventSize without a line end', () => {
  it('64 MiB in 64 KiB chunks with a 1 MiB limit: one EVENT_TOO_LARGE as soon as 1 MiB is passed, bounded heap', () => {
    const { parser, events, errors } = limited(MiB);
    const chunk = new Uint8Array(64 * KiB).fill(0x78); // 'x', reused: the test itself holds 64 KiB
    const before = retainedHeap();

    parser.feed(utf8('data: '));
    let fed = 6;
    let fedWhenReported = -1;
    for (let i = 0; i < 1024; i++) {
      parser.feed(chunk);
      fed += chunk.length;
      if (fedWhenReported === -1 && errors.length > 0) fedWhenReported = fed;
    }
    const after = retainedHeap();

    expect(fed).toBe(64 * MiB + 6);
    expect(errors).toHaveLength(1);
    const error = errors[0];
    expect(isSseError(error)).toBe(true);
    expect(error?.code).toBe('EVENT_TOO_LARGE');
    // Reported by the first chunk that took the line past the limit, not later.
    expect(fedWhenReported).toBe(6 + 16 * 64 * KiB);
    expect(after - before).toBeLessThan(4 * MiB);
    expect(events).toEqual([]);
  });

  it('input after the error is ignored, even complete events, until reset()', () => {
    const { parser, events, errors } = limited(KiB);
    parser.feed(`data: ${'x'.repeat(2 * KiB)}`);
    expect(errors).toHaveLength(1);

    parser.feed('\n\ndata: ignored\n\nid: 1\n\n');
    parser.feed(utf8(`data: ${'y'.repeat(4 * KiB)}`));
    expect(events).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(parser.lastEventId).toBe('');

    parser.reset();
    parser.feed('data: after reset\n\n');
    expect(events).toEqual([{ type: 'message', data: 'after reset', lastEventId: '' }]);
    expect(errors).toHaveLength(1);
  });

  it('the default limit is DEFAULT_MAX_EVENT_SIZE', () => {
    const errors: SseError[] = [];
    const parser = createEventStreamParser({ onEvent: () => {}, onError: (error) => errors.push(error) });
    const chunk = 'x'.repeat(MiB);
    for (let i = 0; i < DEFAULT_MAX_EVENT_SIZE / MiB; i++) parser.feed(chunk);
    expect(errors).toEqual([]);
    parser.feed('x');
    expect(errors.map((error) => error.code)).toEqual(['EVENT_TOO_LARGE']);
  });
});

describe('an event of many data lines', () => {
  const line = `data: ${'y'.repeat(99)}\n`; // 106 bytes, 100 bytes of data with its LF

  it('over the limit is an error, and the event is never dispatched', () => {
    const { parser, events, errors } = limited(KiB);
    for (let i = 0; i < 20; i++) parser.feed(line);
    parser.feed('\n');
    expect(errors.map((error) => error.code)).toEqual(['EVENT_TOO_LARGE']);
    expect(events).toEqual([]);
  });

  it('over the limit in a single chunk is the same error', () => {
    const { parser, events, errors } = limited(KiB);
    parser.feed(utf8(`${line.repeat(20)}\ndata: next\n\n`));
    expect(errors.map((error) => error.code)).toEqual(['EVENT_TOO_LARGE']);
    expect(events).toEqual([]);
  });

  it('under the limit passes, and the limit counts one event, not the stream', () => {
    const { parser, events, errors } = limited(KiB);
    const block = `${line.repeat(9)}\n`; // 900 bytes of data per event
    for (let i = 0; i < 10; i++) parser.feed(block);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(10);
    expect(events[0]?.data).toBe(Array(9).fill('y'.repeat(99)).join('\n'));
  });
});

describe('without onError', () => {
  it('feed() throws the EVENT_TOO_LARGE SseError, then ignores input until reset()', () => {
    const events: SseEvent[] = [];
    const parser = createEventStreamParser({ onEvent: (event) => events.push(event) }, { maxEventSize: 64 });
    let thrown: unknown;
    try {
      parser.feed(`data: ${'x'.repeat(100)}\n\n`);
    } catch (error) {
      thrown = error;
    }
    expect(isSseError(thrown)).toBe(true);
    expect((thrown as SseError).code).toBe('EVENT_TOO_LARGE');

    expect(() => parser.feed(`data: ok\n\ndata: ${'x'.repeat(100)}\n\n`)).not.toThrow();
    expect(events).toEqual([]);

    parser.reset();
    parser.feed('data: ok\n\n');
    expect(events).toEqual([{ type: 'message', data: 'ok', lastEventId: '' }]);
  });
});

describe('the boundary', () => {
  const limit = 256;

  it('an event just under the limit passes in every chunking', () => {
    const input = utf8(`data: ${'x'.repeat(limit - 32)}\ndata: ${'é'.repeat(8)}\n\n`);
    const expected = [
      {
        kind: 'event',
        type: 'message',
        data: `${'x'.repeat(limit - 32)}\n${'é'.repeat(8)}`,
        lastEventId: '',
      },
    ];
    for (let offset = 0; offset <= input.length; offset++) {
      expect(parseChunks(cutAt(input, [offset]), { maxEventSize: limit }).log, `split at ${offset}`).toEqual(
        expected,
      );
    }
  });

  it('a line of exactly maxEventSize bytes passes in every chunking', () => {
    const input = utf8(`data: ${'x'.repeat(limit - 6)}\n\n`);
    for (let offset = 0; offset <= input.length; offset++) {
      const { log } = parseChunks(cutAt(input, [offset]), { maxEventSize: limit });
      expect(log, `split at ${offset}`).toEqual([
        { kind: 'event', type: 'message', data: 'x'.repeat(limit - 6), lastEventId: '' },
      ]);
    }
  });

  const overByOne = utf8(`data: ${'x'.repeat(limit - 5)}\n\n`); // a line of limit + 1 bytes

  it('a line one byte over maxEventSize is reported when it is split across chunks', () => {
    for (let offset = 1; offset < overByOne.length - 1; offset++) {
      const { log } = parseChunks(cutAt(overByOne, [offset]), { maxEventSize: limit });
      expect(log, `split at ${offset}`).toEqual([{ kind: 'error', code: 'EVENT_TOO_LARGE' }]);
    }
  });

  // Known failure (reported to the lead, implementation not changed here): a whole line in one chunk
  // is only checked through its data value (limit - 5 bytes + LF), so the verdict depends on chunking.
  it('a line one byte over maxEventSize is reported when it arrives whole in one chunk', () => {
    const { log } = parseChunks([overByOne], { maxEventSize: limit });
    expect(log).toEqual([{ kind: 'error', code: 'EVENT_TOO_LARGE' }]);
  });
});

/**
 * Issue 13 (hostile servers): whatever a server sends, one parser holds at most ~3× maxEventSize
 * plus a constant, no chunk blocks for long, and values handed out hold only their own characters.
 * Heap is measured as retained bytes (two full collections) at checkpoints while the stream runs.
 */
describe('the memory bound holds for hostile shapes', () => {
  const CONSTANT = 2 * MiB; // the parser's fixed costs plus measurement noise of a vitest worker

  function expectWithin(measured: number, maxEventSize: number, shape: string): void {
    const allowed = 3 * maxEventSize + CONSTANT;
    if (process.env.SSE_REPORT_HEAP) process.stdout.write(`heap: ${shape}: ${measured} B of ${allowed}\n`);
    expect(
      measured,
      `${shape}: retained ${measured.toLocaleString('en-US')} B, allowed ${allowed.toLocaleString('en-US')} B (3 × ${maxEventSize} + ${CONSTANT})`,
    ).toBeLessThanOrEqual(allowed);
  }

  // The stall (~50 ms is the aim) is measured, not asserted: 16.5 ms alone, up to 77 ms with other
  // work on 2 cores (main: 200-400 ms). SSE_REPORT_HEAP=1 prints it.

  it('16M empty data: lines (80 MiB of wire) at the default limit: bounded heap, no long stall', () => {
    const lines = 16_000_000;
    const perChunk = 10_922; // 'data:\n' × 10,922 ≈ 64 KiB
    const chunk = utf8('data:\n'.repeat(perChunk));
    let dataLength = -1;
    const errors: SseError[] = [];
    const parser = createEventStreamParser({
      onEvent: (event) => {
        dataLength = event.data.length;
      },
      onError: (error) => errors.push(error),
    });
    const before = retainedHeap();
    let peak = 0;
    let slowest = 0;
    let fed = 0;
    for (let i = 0; fed < lines; i++) {
      const piece = fed + perChunk <= lines ? chunk : chunk.subarray(0, (lines - fed) * 6);
      const start = performance.now();
      parser.feed(piece);
      slowest = Math.max(slowest, performance.now() - start);
      fed += piece.length / 6;
      if (i % 256 === 255) peak = Math.max(peak, retainedHeap() - before);
    }
    peak = Math.max(peak, retainedHeap() - before);
    const start = performance.now();
    parser.feed(utf8('\n'));
    slowest = Math.max(slowest, performance.now() - start);

    expect(errors).toEqual([]);
    expect(dataLength).toBe(lines - 1);
    expectWithin(peak, DEFAULT_MAX_EVENT_SIZE, '16M empty data lines');
    if (process.env.SSE_REPORT_HEAP) process.stdout.write(`slowest feed: ${slowest.toFixed(1)} ms\n`);
    // The stall is measured (SSE_REPORT_HEAP=1 prints it), never asserted: 16 ms alone, up to 62 ms
    // under load here; what bounds it is the per-chunk work, linear in the chunk.
  });

  it('an unfinished line in 1–5 byte segments: bytes are not kept as one string per segment', () => {
    const limit = MiB;
    const line = utf8(`data: ${'x'.repeat(limit - 16)}`);
    const { parser, events, errors } = limited(limit);
    const before = retainedHeap();
    let peak = 0;
    let segments = 0;
    for (let at = 0; at < line.length; segments++) {
      const size = 1 + (segments % 5);
      parser.feed(line.subarray(at, at + size));
      at += size;
      if (segments % 50_000 === 49_999) peak = Math.max(peak, retainedHeap() - before);
    }
    peak = Math.max(peak, retainedHeap() - before);
    parser.feed(utf8('\n\n'));
    expect(errors).toEqual([]);
    expect(events.map((event) => event.data.length)).toEqual([limit - 16]);
    expectWithin(peak, limit, `a ${line.length}-byte line in ${segments} segments`);
  });

  it('the same line fed as 1–5 character strings is bounded too', () => {
    const limit = MiB;
    const { parser, errors } = limited(limit);
    const before = retainedHeap();
    let peak = 0;
    parser.feed('data: ');
    for (let i = 0, fed = 6; fed < limit - 16; i++) {
      const size = 1 + (i % 5);
      parser.feed('y'.repeat(size));
      fed += size;
      if (i % 50_000 === 49_999) peak = Math.max(peak, retainedHeap() - before);
    }
    peak = Math.max(peak, retainedHeap() - before);
    expect(errors).toEqual([]);
    expectWithin(peak, limit, 'a line in string segments');
  });

  it('comments and blank lines around an open block hold nothing (a guard: main held here too)', () => {
    const limit = 1000;
    const { parser, events, errors } = limited(limit);
    parser.feed('event: t\nid: 1234567890abcdef\ndata: 0123456789abcdef\n');
    const chunk = utf8(': a comment line\n:\n'.repeat(3000)); // ~60 KB of comments, no blank line
    const blank = utf8(`${'\n'.repeat(60_000)}`);
    const before = retainedHeap();
    for (let i = 0; i < 200; i++) parser.feed(chunk);
    const held = retainedHeap() - before;
    for (let i = 0; i < 200; i++) parser.feed(blank);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expectWithin(
      Math.max(held, retainedHeap() - before),
      limit,
      '12 MB of comments, then 12 MB of blank lines',
    );
  });

  it('data lines sliced from chunks full of comments do not keep those chunks alive', () => {
    // Each ~60 KB chunk: one 13-char data line and 6000 comment lines of 10 chars (each fits the limit).
    const limit = 1000;
    const comments = `:${'c'.repeat(9)}\n`.repeat(6000);
    const { parser, events, errors } = limited(limit);
    const before = retainedHeap();
    for (let i = 0; i < 70; i++) parser.feed(utf8(`data: ${String(i).padStart(13, '0')}\n${comments}`));
    const held = retainedHeap() - before;
    parser.feed('\n');
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expectWithin(held, limit, '70 data lines from 70 chunks of 60 KB');
  });
});

describe('ids and types count toward maxEventSize', () => {
  const limit = 1000;
  const x = (n: number, c: string) => c.repeat(n);

  // Each shape has every line and its data under the limit, so only counting type and id rejects it.
  const shapes: readonly [string, string][] = [
    ['type + id + data, 2970 chars', `event: ${x(990, 't')}\nid: ${x(990, 'i')}\ndata: ${x(990, 'd')}\n\n`],
    ['id + data', `id: ${x(990, 'i')}\ndata: ${x(990, 'd')}\n\n`],
    ['type + data', `event: ${x(990, 't')}\ndata: ${x(990, 'd')}\n\n`],
    ['data, then type and id', `data: ${x(990, 'd')}\nevent: ${x(990, 't')}\nid: ${x(990, 'i')}\n\n`],
    ['type + id, one data char', `event: ${x(990, 't')}\nid: ${x(990, 'i')}\ndata: d\n\n`],
  ];

  for (const [name, input] of shapes) {
    it(`a 1000-char limit rejects an event over it (${name}) in every chunking`, () => {
      const bytesIn = utf8(input);
      for (const chunks of [[bytesIn], cutAt(bytesIn, [997]), cutAt(bytesIn, [1500, 2500])]) {
        const { log } = parseChunks(chunks, { maxEventSize: limit });
        expect(log, `${name}: ${log.map((e) => e.kind).join(',')}`).toEqual([
          { kind: 'error', code: 'EVENT_TOO_LARGE' },
        ]);
      }
    });
  }

  it('a type replaced in the same block counts once', () => {
    const input = `event: ${x(400, 'a')}\nevent: ${x(400, 'b')}\ndata: ${x(400, 'd')}\n\n`;
    const { log } = parseChunks([input], { maxEventSize: limit });
    expect(log).toEqual([{ kind: 'event', type: x(400, 'b'), data: x(400, 'd'), lastEventId: '' }]);
  });

  it('a committed id does not count toward the next events', () => {
    const input = `id: ${x(600, 'i')}\ndata: a\n\ndata: ${x(600, 'd')}\n\n`;
    const { log } = parseChunks([input], { maxEventSize: limit });
    expect(log.filter((e) => e.kind === 'event')).toHaveLength(2);
  });
});

describe('delivered strings hold only their own characters', () => {
  it('keeping 2000 small data values and ids from ~60 KB chunks retains about their size', () => {
    const padding = `:${'p'.repeat(999)}\n`.repeat(60); // 60 KB of comment per chunk
    const chunkOf = (i: number) =>
      utf8(`${padding}id: id-${String(i).padStart(12, '0')}\ndata: ${String(i).padStart(38, '0')}\n\n`);
    // Warm the parser first, so the measured path is the optimised one.
    const warm = createEventStreamParser({ onEvent: () => {} });
    for (let i = 0; i < 3000; i++) warm.feed(chunkOf(i));

    const kept: SseEvent[] = [];
    const parser = createEventStreamParser({ onEvent: (event) => kept.push(event) });
    const before = retainedHeap();
    for (let i = 0; i < 2000; i++) parser.feed(chunkOf(i));
    const perEvent = (retainedHeap() - before) / 2000;
    expect(kept).toHaveLength(2000);
    expect(kept[1999]).toEqual({
      type: 'message',
      data: String(1999).padStart(38, '0'),
      lastEventId: 'id-000000001999',
    });
    // The characters are 38 + 15; an event object, two string headers and an array slot add ~150 B.
    const allowed = 400;
    if (process.env.SSE_REPORT_HEAP)
      process.stdout.write(`heap: kept events: ${perEvent.toFixed(0)} B each\n`);
    expect(perEvent, `retained ${perEvent.toFixed(0)} B per kept event, allowed ${allowed} B`).toBeLessThan(
      allowed,
    );
  });
});
