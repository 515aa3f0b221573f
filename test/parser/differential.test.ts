/**
 * Differential tests against eventsource-parser 3 (the parser behind `eventsource` and
 * `eventsource-client`), fed the same bytes through a streaming `TextDecoder`.
 *
 * What is compared: the ordered sequence of events (type and data), valid `retry` values and
 * comments. eventsource-parser reports an event's `event` as `undefined` when the block had none (or
 * an empty one), which maps to our `message`.
 *
 * Known deviations, excluded here on purpose (each checked by experiment with 3.1.1):
 * - **Lone CR at the end of a chunk.** eventsource-parser keeps it pending until a later line end
 *   arrives, so a blank line ended by that CR dispatches late, and never if the stream stops there.
 *   We dispatch at once (the CR ends the line). Every run below therefore feeds both parsers a final
 *   `\n` chunk, which turns a pending CR into a CRLF for both, so only the timing is excluded; the
 *   deviation itself is pinned by the last test of this file.
 * - **Last event ID.** Its event `id` is the `id` field of that block only (`undefined` otherwise),
 *   and 3.x has no callback for id-only blocks, whereas our `lastEventId` persists across events and
 *   is committed by id-only blocks. So the IDs are compared only for events whose block had an id
 *   field: there ours must equal theirs (an id with NUL is ignored by both).
 * - **BOM.** eventsource-parser 3 does not strip a BOM itself (`\uFEFFdata` is an unknown field to
 *   it); the `TextDecoder` in front of it strips exactly one, as the specification's decode does, so
 *   the BOM vectors are comparable through the decoder.
 * - **Invalid `retry` values and unknown fields** are reported to its `onError`; both parsers ignore
 *   them for parsing, so its error reports are not compared.
 */
import { fc, test } from '@fast-check/vitest';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import type { EventStreamDecoder } from '../../src/parser/types.js';
import { stream } from './arbitraries.js';
import { cutAt, decoders, oneByteChunks, parseChunks, utf8 } from './helpers.js';
import { vectors } from './vectors.js';

type Comparable =
  | { readonly kind: 'event'; readonly type: string; readonly data: string; readonly lastEventId?: string }
  | { readonly kind: 'retry'; readonly ms: number }
  | { readonly kind: 'comment'; readonly text: string };

const FINAL_LF = utf8('\n');

/** eventsource-parser's view of the chunks (plus the final LF), decoded by a streaming TextDecoder. */
function theirs(chunks: readonly Uint8Array[]): Comparable[] {
  const log: Comparable[] = [];
  const parser = createParser({
    onEvent: (event) =>
      log.push({
        kind: 'event',
        type: event.event === undefined || event.event === '' ? 'message' : event.event,
        data: event.data,
        ...(event.id === undefined ? {} : { lastEventId: event.id }),
      }),
    onRetry: (ms) => log.push({ kind: 'retry', ms }),
    onComment: (text) => log.push({ kind: 'comment', text }),
  });
  // The decoder keeps BOMs and one leading BOM is stripped here: Node 24's streaming TextDecoder
  // (observed on 24.21) strips a second BOM when the first one is split across chunks, which would
  // make the reference wrong, not eventsource-parser.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  for (const chunk of [...chunks, FINAL_LF]) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    parser.feed(text);
  }
  parser.feed(decoder.decode());
  return log;
}

/** Our view of the same chunks, with IDs kept only where eventsource-parser reports one. */
function ours(
  chunks: readonly Uint8Array[],
  reference: readonly Comparable[],
  createDecoder: () => EventStreamDecoder,
): Comparable[] {
  const { log } = parseChunks([...chunks, FINAL_LF], { createDecoder });
  const comparable: Comparable[] = [];
  for (const entry of log) {
    if (entry.kind === 'event') {
      const counterpart = reference[comparable.length];
      const idKnown = counterpart?.kind === 'event' && counterpart.lastEventId !== undefined;
      comparable.push({
        kind: 'event',
        type: entry.type,
        data: entry.data,
        ...(idKnown ? { lastEventId: entry.lastEventId } : {}),
      });
    } else if (entry.kind === 'retry') {
      comparable.push({ kind: 'retry', ms: entry.ms });
    } else if (entry.kind === 'comment') {
      comparable.push({ kind: 'comment', text: entry.text });
    }
  }
  return comparable;
}

function expectAgreement(chunks: readonly Uint8Array[], label: string): void {
  const reference = theirs(chunks);
  for (const { name, createDecoder } of decoders) {
    expect(ours(chunks, reference, createDecoder), `${label}, ${name}`).toEqual(reference);
  }
}

describe('agrees with eventsource-parser 3 on every spec vector', () => {
  for (const vector of vectors) {
    // A seeded last event ID has no counterpart in eventsource-parser; the rest of those vectors is compared.
    it(vector.rule, () => {
      const input = typeof vector.input === 'string' ? utf8(vector.input) : vector.input;
      expectAgreement([input], 'one chunk');
      expectAgreement(oneByteChunks(input), 'one byte at a time');
      for (let offset = 0; offset <= input.length; offset++) {
        expectAgreement(cutAt(input, [offset]), `split at byte ${offset}`);
      }
    });
  }
});

const cuts = fc.array(fc.nat({ max: 1 << 20 }), { maxLength: 12 });

test.prop([stream, cuts], { numRuns: 300, seed: 7_031_999 })(
  'agrees with eventsource-parser 3 on random streams and chunkings',
  (body, rawCuts) => {
    const at = [...new Set(rawCuts.map((n) => n % (body.length + 1)))].sort((a, b) => a - b);
    expectAgreement(cutAt(body, at), `cut at ${at.join(',')}`);
  },
);

it('known deviation: eventsource-parser holds a chunk-final CR, we dispatch at once', () => {
  const events: string[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event.data) });
  parser.feed('data: a\n\r');
  expect(events).toEqual([]);

  const { log } = parseChunks(['data: a\n\r']);
  expect(log).toEqual([{ kind: 'event', type: 'message', data: 'a', lastEventId: '' }]);
});
