/**
 * Parser throughput: sse-machine's createEventStreamParser (bytes in) against eventsource-parser's
 * createParser fed through a streaming TextDecoder, which is exactly how the `eventsource` and
 * `eventsource-client` packages drive it.
 * @module
 */
import { createParser } from 'eventsource-parser';
import { importBuilt, loadedFrom } from './lib/built-package.js';
import { chunk, jsonEvents, largeEvents, smallEvents } from './lib/corpora.js';
import { num, ratio, spread } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { summarize } from './lib/stats.js';

export const title = 'Parser throughput';
export const contenders = ['sse-machine', 'eventsource-parser'];

const CHUNK_SIZES = [16 * 1024, 64 * 1024];

/**
 * @typedef {{ events: number, chars: number }} Tally
 * @typedef {(chunks: readonly Uint8Array[]) => Tally} Feeder
 */

/**
 * @param {(callbacks: { onEvent(event: { data: string }): void }) => { feed(chunk: Uint8Array): void, end(): void }} createEventStreamParser
 * @returns {Feeder}
 */
function sseMachineFeeder(createEventStreamParser) {
  return (chunks) => {
    const tally = { events: 0, chars: 0 };
    const parser = createEventStreamParser({
      onEvent(event) {
        tally.events++;
        tally.chars += event.data.length;
      },
    });
    for (const c of chunks) parser.feed(c);
    parser.end();
    return tally;
  };
}

/** @type {Feeder} */
function eventsourceParserFeeder(chunks) {
  const tally = { events: 0, chars: 0 };
  const parser = createParser({
    onEvent(event) {
      tally.events++;
      tally.chars += event.data.length;
    },
  });
  const decoder = new TextDecoder();
  for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
  parser.feed(decoder.decode());
  return tally;
}

/**
 * @param {{ rounds: number, log: (line: string) => void, quick: boolean }} context
 */
export async function run({ rounds, log, quick }) {
  const parserModule = await importBuilt('parser');
  if (!parserModule) throw new Error('sse-machine parser is neither built nor buildable');
  const feeders = {
    'sse-machine': sseMachineFeeder(/** @type {never} */ (parserModule.createEventStreamParser)),
    'eventsource-parser': eventsourceParserFeeder,
  };
  const scale = quick ? 0.1 : 1;
  const corpora = [
    () => smallEvents(1_000_000 * scale),
    () => jsonEvents(100_000 * scale),
    () => largeEvents(1000 * scale),
    () => jsonEvents(100_000 * scale, '\r\n'),
  ];

  const rows = [];
  const results = [];
  for (const makeCorpus of corpora) {
    let corpus = makeCorpus();
    for (const size of CHUNK_SIZES) {
      const chunks = chunk(corpus.bytes, size);
      const label = `${corpus.name} / ${size / 1024} KB`;
      log(`  ${label}: ${(corpus.bytes.length / 1e6).toFixed(1)} MB in ${chunks.length} chunks`);
      /** @type {Map<string, number>} */
      const charsSeen = new Map();
      const samples = await interleave(Object.keys(feeders), { rounds, warmup: 1 }, (name) => {
        const feed = /** @type {Feeder} */ (feeders[/** @type {keyof typeof feeders} */ (name)]);
        const start = process.hrtime.bigint();
        const tally = feed(chunks);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        // A fast wrong parser is no result: both must see every event and every data character.
        if (tally.events !== corpus.events) {
          throw new Error(`${name} dispatched ${tally.events} events on ${label}, expected ${corpus.events}`);
        }
        charsSeen.set(name, tally.chars);
        return seconds;
      });
      if (new Set(charsSeen.values()).size !== 1) {
        throw new Error(`contenders disagree on the data of ${label}: ${JSON.stringify([...charsSeen])}`);
      }
      const [ours, peer] = ['sse-machine', 'eventsource-parser'].map((name) => {
        const seconds = samples.get(name) ?? [];
        const mbps = summarize(seconds.map((s) => corpus.bytes.length / 1e6 / s));
        const eps = summarize(seconds.map((s) => corpus.events / s));
        return { name, seconds: summarize(seconds), mbps, eps };
      });
      if (!ours || !peer) throw new Error('unreachable');
      const speedup = ours.mbps.median / peer.mbps.median;
      results.push({
        corpus: corpus.name,
        chunkBytes: size,
        bytes: corpus.bytes.length,
        events: corpus.events,
        ours,
        peer,
        speedup,
      });
      rows.push([
        corpus.name,
        `${size / 1024} KB`,
        spread(ours.mbps),
        spread(peer.mbps),
        num(ours.eps.median),
        num(peer.eps.median),
        ratio(speedup),
      ]);
    }
    // Let the corpus go before the next one is generated (they are up to ~100 MB).
    corpus = /** @type {never} */ (undefined);
  }

  const corpusNotes = corpora.length;
  return {
    tables: [
      {
        title: `Parser throughput, median (min–max) of ${rounds} interleaved rounds`,
        columns: [
          'corpus',
          'chunk',
          'sse-machine MB/s',
          'eventsource-parser MB/s',
          'sse-machine events/s',
          'eventsource-parser events/s',
          'ratio',
        ],
        rows,
        notes: [
          'MB = 10^6 bytes of UTF-8 input. Ratio = median MB/s of sse-machine ÷ median MB/s of eventsource-parser.',
          `Corpora (${corpusNotes}): small = 1M × \`data: <32 bytes>\`; json = 100k × ~1 KB JSON with \`event:\` and \`id:\`; ` +
            'large = 1k × 64 KB over 64 `data:` lines; json-crlf = json with CRLF line ends.',
          `sse-machine loaded from ${loadedFrom.get('parser')}.`,
        ],
      },
    ],
    results,
    target: {
      description: '≥ 2× eventsource-parser on every corpus and chunk size',
      met: results.every((r) => r.speedup >= 2),
    },
  };
}
