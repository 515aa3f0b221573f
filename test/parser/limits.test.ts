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
