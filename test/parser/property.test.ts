/**
 * Property tests: for random event streams (known and unknown fields, comments, multi-byte text with
 * 4-byte emoji, NUL, stray BOMs, CR / LF / CRLF, blank lines, an optional leading BOM, an unterminated
 * tail) every chunking of the bytes must report exactly what one-shot feeding reports, and one-shot
 * feeding must agree with a small line-splitting model of the specification written here.
 *
 * The seed is fixed so that the suite is deterministic; change it locally to explore further.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stream } from './arbitraries.js';
import { cutAt, decoders, type Entry, oneByteChunks, parseChunks } from './helpers.js';

const SEED = 20_240_917;
const RUNS = 300;

/** Cut offsets for a chunking; taken modulo the stream length when used. */
const cuts = fc.array(fc.nat({ max: 1 << 20 }), { maxLength: 12 });

function offsets(length: number, raw: readonly number[]): number[] {
  return [...new Set(raw.map((n) => n % (length + 1)))].sort((a, b) => a - b);
}

/**
 * The specification's steps over the whole decoded text, line by line: an independent model that
 * does not care about chunks at all.
 */
function model(body: Uint8Array): Entry[] {
  const decoded = new TextDecoder().decode(body); // strips one leading BOM, U+FFFD for invalid bytes
  const lines = decoded.split(/\r\n|\r|\n/);
  lines.pop(); // the unterminated tail (possibly empty) never completes
  const log: Entry[] = [];
  let type = '';
  let data: string[] = [];
  let idBuffer = '';
  let lastEventId = '';
  for (const l of lines) {
    if (l === '') {
      if (idBuffer !== lastEventId) {
        lastEventId = idBuffer;
        log.push({ kind: 'id', id: lastEventId });
      }
      if (data.length > 0) {
        log.push({ kind: 'event', type: type === '' ? 'message' : type, data: data.join('\n'), lastEventId });
      }
      type = '';
      data = [];
      continue;
    }
    const colon = l.indexOf(':');
    if (colon === 0) {
      log.push({ kind: 'comment', text: l.slice(l.startsWith(' ', 1) ? 2 : 1) });
      continue;
    }
    const name = colon === -1 ? l : l.slice(0, colon);
    let value = colon === -1 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    else if (name === 'event') type = value;
    else if (name === 'id' && !value.includes('\0')) idBuffer = value;
    else if (name === 'retry' && /^[0-9]+$/.test(value)) log.push({ kind: 'retry', ms: Number(value) });
  }
  return log;
}

describe.each(decoders)('decoder: $name', ({ createDecoder }) => {
  const options = { createDecoder };

  test.prop([stream, cuts], { numRuns: RUNS, seed: SEED })(
    'any chunking of the bytes reports exactly what one-shot feeding reports',
    (body, rawCuts) => {
      const whole = parseChunks([body], options);
      expect(parseChunks(cutAt(body, offsets(body.length, rawCuts)), options)).toEqual(whole);
    },
  );

  test.prop([stream], { numRuns: 100, seed: SEED })('feeding one byte at a time changes nothing', (body) => {
    expect(parseChunks(oneByteChunks(body), options)).toEqual(parseChunks([body], options));
  });

  test.prop([stream, cuts], { numRuns: RUNS, seed: SEED })(
    'any chunking of the decoded text (as strings) reports what the bytes report',
    (body, rawCuts) => {
      const decoded = new TextDecoder().decode(body); // strips one BOM, as the string form assumes
      const at = offsets(decoded.length, rawCuts);
      const chunks = [...at, decoded.length].map((end, i) => decoded.slice(i === 0 ? 0 : at[i - 1], end));
      expect(parseChunks(chunks, options)).toEqual(parseChunks([body], options));
    },
  );

  test.prop([stream], { numRuns: RUNS, seed: SEED })(
    'one-shot feeding agrees with a line-by-line model of the specification',
    (body) => {
      const { log, lastEventId } = parseChunks([body], options);
      expect(log).toEqual(model(body));
      const ids = log.flatMap((e) => (e.kind === 'id' ? [e.id] : []));
      expect(lastEventId).toBe(ids.at(-1) ?? '');
    },
  );
});

test('the stream generator covers every callback kind, CR line ends, BOMs and 4-byte characters', () => {
  const samples = fc.sample(stream, { numRuns: RUNS, seed: SEED });
  const kinds = new Set(samples.flatMap((body) => parseChunks([body]).log.map((e) => e.kind)));
  expect([...kinds].sort()).toEqual(['comment', 'event', 'id', 'retry']);
  const withEvents = samples.filter((body) => parseChunks([body]).log.some((e) => e.kind === 'event'));
  expect(withEvents.length).toBeGreaterThan(RUNS / 2);
  const decoded = samples.map((body) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(body));
  expect(decoded.some((s) => s.startsWith('\uFEFF'))).toBe(true);
  expect(decoded.some((s) => /\r(?!\n)/.test(s))).toBe(true);
  expect(decoded.some((s) => /[\u{10000}-\u{10FFFF}]/u.test(s))).toBe(true);
});
