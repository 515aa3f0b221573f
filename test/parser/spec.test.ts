/**
 * The WHATWG HTML "event stream interpretation", vector by vector.
 *
 * Each vector is checked against its expected callbacks when fed in one chunk, and then must give the
 * identical, ordered log when split in two at every byte offset, when fed one byte at a time, and (for
 * text vectors) when fed as an already-decoded string. Vectors named `WPT …` restate the
 * web-platform-tests `eventsource/format-*` fixtures.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
import { describe, expect, it } from 'vitest';
import { createEventStreamParser, DEFAULT_MAX_EVENT_SIZE } from '../../src/parser/index.js';
import type { SseEvent } from '../../src/parser/types.js';
import {
  bytes,
  cutAt,
  decodedText,
  decoders,
  type Entry,
  oneByteChunks,
  parseChunks,
  recordingParser,
  utf8,
} from './helpers.js';
import { type Vector, vectors } from './vectors.js';

/** What a vector expects, as the sub-logs of each callback kind. */
function expectVector(vector: Vector, log: readonly Entry[], lastEventId: string): void {
  if (vector.log !== undefined) {
    expect(log).toEqual(vector.log);
    return;
  }
  const events = log.flatMap((e) =>
    e.kind === 'event' ? [{ type: e.type, data: e.data, lastEventId: e.lastEventId }] : [],
  );
  expect(events).toEqual(vector.events ?? []);
  expect(log.flatMap((e) => (e.kind === 'retry' ? [e.ms] : []))).toEqual(vector.retries ?? []);
  expect(log.flatMap((e) => (e.kind === 'comment' ? [e.text] : []))).toEqual(vector.comments ?? []);
  expect(log.flatMap((e) => (e.kind === 'id' ? [e.id] : []))).toEqual(vector.ids ?? []);
  expect(log.filter((e) => e.kind === 'error')).toEqual([]);
  const expectedLastEventId = vector.lastEventId ?? vector.ids?.at(-1) ?? vector.options?.lastEventId ?? '';
  expect(lastEventId).toBe(expectedLastEventId);
}

describe.each(decoders)(
  'event stream interpretation (WHATWG HTML §9.2.6), every chunking, $name',
  ({ createDecoder }) => {
    it('has at least 60 vectors with distinct rules', () => {
      expect(vectors.length).toBeGreaterThanOrEqual(60);
      expect(new Set(vectors.map((v) => v.rule)).size).toBe(vectors.length);
    });

    for (const vector of vectors) {
      it(vector.rule, () => {
        const options = { ...vector.options, createDecoder };
        const input = typeof vector.input === 'string' ? utf8(vector.input) : vector.input;
        const whole = parseChunks([input], options);
        expectVector(vector, whole.log, whole.lastEventId);

        for (let offset = 0; offset <= input.length; offset++) {
          const split = parseChunks(cutAt(input, [offset]), options);
          expect(split, `split at byte ${offset}`).toEqual(whole);
        }
        expect(parseChunks(oneByteChunks(input), options), 'one byte at a time').toEqual(whole);
        // The string form of a stream is what a default TextDecoder makes of its bytes.
        const text = decodedText(input);
        expect(parseChunks([text], options), 'fed as a decoded string').toEqual(whole);
        const chars = Array.from(text);
        expect(parseChunks(chars, options), 'fed one code point at a time').toEqual(whole);
      });
    }
  },
);

describe('incremental behaviour', () => {
  it('a CR at the end of a chunk ends the line at once: the event dispatches before the next chunk', () => {
    const { parser, log } = recordingParser();
    parser.feed(utf8('data: a\r'));
    expect(log).toEqual([]);
    parser.feed(utf8('\r'));
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'a', lastEventId: '' }]);
  });

  it('an LF starting the chunk after a CR belongs to that line end, not to a blank line', () => {
    const { parser, log } = recordingParser();
    parser.feed(utf8('data: a\r'));
    parser.feed(utf8('\ndata: b\r'));
    parser.feed(utf8('\n'));
    expect(log).toEqual([]);
    parser.feed(utf8('\r'));
    parser.feed(utf8('\n'));
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'a\nb', lastEventId: '' }]);
  });

  it('a CR chunk followed by an empty chunk still swallows the LF that comes next', () => {
    const { parser, log } = recordingParser();
    parser.feed(utf8('data: a\r'));
    parser.feed(new Uint8Array(0));
    parser.feed('');
    parser.feed(utf8('\ndata: b\n\n'));
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'a\nb', lastEventId: '' }]);
  });

  it('a chunk ending in a partial UTF-8 sequence waits for the rest of the character', () => {
    const { parser, log } = recordingParser();
    const input = utf8('data: 😀\n\n');
    parser.feed(input.subarray(0, 8));
    parser.feed(input.subarray(8, 9));
    expect(log).toEqual([]);
    parser.feed(input.subarray(9));
    expect(log).toEqual([{ kind: 'event', type: 'message', data: '😀', lastEventId: '' }]);
  });

  it('a BOM split across three chunks is stripped', () => {
    const { parser, log } = recordingParser();
    for (const byte of [0xef, 0xbb, 0xbf]) parser.feed(Uint8Array.of(byte));
    parser.feed(utf8('data: a\n\n'));
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'a', lastEventId: '' }]);
  });

  it('a string is already decoded text: a leading U+FEFF is kept (it is part of the first field name)', () => {
    const { parser, log } = recordingParser();
    parser.feed('\uFEFF');
    parser.feed('data: a\n\ndata: b\n\n');
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'b', lastEventId: '' }]);
  });

  describe.each(decoders)('WPT format-bom-2, a double BOM, in both forms ($name)', ({ createDecoder }) => {
    // web-platform-tests eventsource/format-bom-2.any.js: %EF%BB%BF%EF%BB%BFdata%3A1 ... gives 2 and 3.
    const wire = bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'data:1\n\ndata:2\n\ndata:3\n\n');
    const expected = [
      { kind: 'event', type: 'message', data: '2', lastEventId: '' },
      { kind: 'event', type: 'message', data: '3', lastEventId: '' },
    ];

    it('bytes: one BOM is stripped, the second is part of the field name', () => {
      expect(parseChunks([wire], { createDecoder }).log).toEqual(expected);
      expect(parseChunks(oneByteChunks(wire), { createDecoder }).log).toEqual(expected);
    });

    it('the string a default TextDecoder made of them: no second BOM is stripped', () => {
      const text = new TextDecoder().decode(wire);
      expect(text.startsWith('\uFEFFdata:1')).toBe(true);
      expect(parseChunks([text], { createDecoder }).log).toEqual(expected);
      expect(parseChunks(Array.from(text), { createDecoder }).log).toEqual(expected);
    });
  });

  it('a sequence split before an empty chunk is still completed by the next chunk', () => {
    for (const { createDecoder } of decoders) {
      const { parser, log } = recordingParser({ createDecoder });
      parser.feed(utf8('data: ').subarray(0, 6));
      parser.feed(Uint8Array.of(0xe2, 0x82));
      parser.feed(new Uint8Array(0));
      parser.feed(Uint8Array.of(0xac, 0x0a, 0x0a));
      expect(log).toEqual([{ kind: 'event', type: 'message', data: '€', lastEventId: '' }]);
    }
  });

  it('reset() starts a new stream: the partial block is dropped and a BOM is stripped again', () => {
    const { parser, log } = recordingParser();
    parser.feed(utf8('\uFEFFevent: old\ndata: stale\ndat'));
    parser.reset();
    parser.feed(utf8('\uFEFFa: no\n\ndata: fresh\n\n'));
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'fresh', lastEventId: '' }]);
  });

  it('reset() forgets a pending CR: an LF at the start of the new stream is a blank line', () => {
    const { parser, log } = recordingParser();
    parser.feed(utf8('data: a\r'));
    parser.reset();
    parser.feed(utf8('data: b\n'));
    parser.feed(utf8('\r'));
    parser.reset();
    parser.feed(utf8('\ndata: c\n\n'));
    expect(log).toEqual([
      { kind: 'event', type: 'message', data: 'b', lastEventId: '' },
      { kind: 'event', type: 'message', data: 'c', lastEventId: '' },
    ]);
  });

  it('reset() keeps the committed last event ID but drops an uncommitted one', () => {
    const { parser, log } = recordingParser();
    parser.feed('id: 1\n\nid: 2\n');
    parser.reset();
    expect(parser.lastEventId).toBe('1');
    parser.feed('data: x\n\n');
    expect(log).toEqual([
      { kind: 'id', id: '1' },
      { kind: 'event', type: 'message', data: 'x', lastEventId: '1' },
    ]);
  });

  it('reset({ lastEventId }) replaces the last event ID', () => {
    const { parser, log } = recordingParser({ lastEventId: 'a' });
    parser.reset({ lastEventId: 'b' });
    expect(parser.lastEventId).toBe('b');
    parser.feed('data: x\n\nid: b\n\n');
    expect(log).toEqual([{ kind: 'event', type: 'message', data: 'x', lastEventId: 'b' }]);
  });

  it('lastEventId reads the committed ID as blocks end', () => {
    const { parser } = recordingParser();
    parser.feed('id: 1\n');
    expect(parser.lastEventId).toBe('');
    parser.feed('\n');
    expect(parser.lastEventId).toBe('1');
  });

  it('only onEvent is required', () => {
    const events: SseEvent[] = [];
    const parser = createEventStreamParser({ onEvent: (event) => events.push(event) });
    parser.feed(': c\nretry: 5\nid: 3\nevent: t\ndata: x\n\n');
    expect(events).toEqual([{ type: 't', data: 'x', lastEventId: '3' }]);
  });

  it('DEFAULT_MAX_EVENT_SIZE is 16 MiB', () => {
    expect(DEFAULT_MAX_EVENT_SIZE).toBe(16 * 1024 * 1024);
  });
});
