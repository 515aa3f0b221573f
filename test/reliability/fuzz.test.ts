/**
 * Fuzz: random and mutated inputs through the parser (50,000 in `npm test`, a million in
 * `npm run test:long`: `FUZZ_RUNS`), from a fresh seed every run (`FUZZ_SEED` replays one; the seed
 * is in the test's name and in every failure message). For each: nothing but `SseError` is
 * ever raised, buffered memory respects `maxEventSize`, and a random chunking reports exactly what
 * one-shot feeding reports. A plain seeded mutator (fast, reproducible) over the spec vectors plus
 * random bytes weighted toward the event-stream syntax; fast-check covers structured streams in
 * test/parser/property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isSseError } from '../../src/parser/index.js';
import { createNodeDecoder } from '../../src/parser/node.js';
import { seededRandom } from '../helpers/random.js';
import { type Entry, parseChunks, utf8 } from '../parser/helpers.js';
import { vectors } from '../parser/vectors.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 50_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));

// Bytes that matter to the grammar, plus UTF-8 lead/continuation bytes, a BOM start, NUL and junk.
const INTERESTING = [
  0x0a, 0x0d, 0x3a, 0x20, 0x00, 0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xf0, 0x9f, 0x80, 0xff, 0x30, 0x39,
];
const TOKENS = [
  'data',
  'event',
  'id',
  'retry',
  ':',
  ' ',
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  'x',
  '123',
  '\uFEFF',
  'é',
  '😀',
].map((token) => utf8(token));
const seeds = vectors.map((vector) => (typeof vector.input === 'string' ? utf8(vector.input) : vector.input));

function randomInput(random: () => number): Uint8Array {
  const parts: number[] = [];
  if (random() < 0.5) {
    // Mutate a spec vector.
    const seed = seeds[Math.floor(random() * seeds.length)] as Uint8Array;
    parts.push(...seed.subarray(0, 256));
    const mutations = 1 + Math.floor(random() * 4);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(random() * (parts.length + 1));
      const roll = random();
      if (roll < 0.3) parts.splice(at, 0, INTERESTING[Math.floor(random() * INTERESTING.length)] as number);
      else if (roll < 0.5) parts.splice(at, 1 + Math.floor(random() * 3));
      else if (roll < 0.7) parts[at] = Math.floor(random() * 256);
      else parts.splice(at, 0, ...(TOKENS[Math.floor(random() * TOKENS.length)] as Uint8Array));
    }
  } else {
    const length = Math.floor(random() * 48);
    for (let i = 0; i < length; i++) {
      if (random() < 0.4) parts.push(...(TOKENS[Math.floor(random() * TOKENS.length)] as Uint8Array));
      else parts.push(INTERESTING[Math.floor(random() * INTERESTING.length)] as number);
    }
  }
  return Uint8Array.from(parts);
}

function randomChunks(input: Uint8Array, random: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  while (start < input.length) {
    const size = 1 + Math.floor(random() * 8);
    chunks.push(input.subarray(start, start + size));
    start += size;
  }
  return chunks;
}

function sameLog(a: readonly Entry[], b: readonly Entry[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

describe('parser fuzz', () => {
  it(`${RUNS.toLocaleString('en')} random and mutated inputs (FUZZ_SEED=${SEED}): only SseError, bounded, chunking-independent`, () => {
    const random = seededRandom(SEED);
    let foreignErrors = 0;
    let mismatches = 0;
    let limitErrors = 0;
    let events = 0;
    let firstMismatch: string | undefined;
    for (let run = 0; run < RUNS; run++) {
      const input = randomInput(random);
      // Every fourth run with a tiny limit, so EVENT_TOO_LARGE paths are fuzzed too.
      const options = run % 4 === 0 ? { maxEventSize: 8 } : {};
      try {
        const whole = parseChunks([input], options);
        // Every other run splits through the Node decoder: both decoders must give the same text.
        const splitOptions = run % 2 === 1 ? { ...options, createDecoder: createNodeDecoder } : options;
        const split = parseChunks(randomChunks(input, random), splitOptions);
        for (const entry of whole.log) {
          if (entry.kind === 'event') {
            events++;
            // Bounded: nothing longer than the limit is ever dispatched.
            if (options.maxEventSize !== undefined && entry.data.length > options.maxEventSize)
              foreignErrors++;
          } else if (entry.kind === 'error') limitErrors++;
        }
        if (!sameLog(whole.log, split.log) || whole.lastEventId !== split.lastEventId) {
          mismatches++;
          firstMismatch ??= JSON.stringify({ input: Array.from(input), options });
        }
      } catch (error) {
        if (!isSseError(error)) foreignErrors++;
      }
    }
    console.log(
      `fuzz: ${RUNS} inputs, ${events} events, ${limitErrors} EVENT_TOO_LARGE, ${mismatches} chunking mismatches, ${foreignErrors} foreign errors`,
    );
    const replay = `replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`;
    expect(
      firstMismatch,
      `expected whole and chunked feeding to report the same; first input that differed: ${firstMismatch}; ${replay}`,
    ).toBeUndefined();
    expect(
      { mismatches, foreignErrors },
      `expected 0 chunking mismatches and 0 errors other than SseError (or events over maxEventSize), seen ${mismatches} and ${foreignErrors}; ${replay}`,
    ).toEqual({ mismatches: 0, foreignErrors: 0 });
    expect(
      limitErrors,
      `expected the tiny-limit runs to reach EVENT_TOO_LARGE at least once, seen ${limitErrors}; ${replay}`,
    ).toBeGreaterThan(0);
  }, 300_000);
});
