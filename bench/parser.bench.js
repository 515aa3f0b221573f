/**
 * Parser throughput: sse-machine's createEventStreamParser (bytes in; with the Node decoder, and with
 * the default TextDecoder one that browsers get) against eventsource-parser's createParser fed
 * through a streaming TextDecoder, which is exactly how the `eventsource` and `eventsource-client`
 * packages drive it, and fed through `node:string_decoder`, the fastest way to feed it on Node.
 *
 * `SSE_BENCH_BASELINE=label=/path/to/checkout-or-parser.js[,label=path...]` adds other builds of the parser (e.g.
 * main's, or an experiment) to the same interleaved run, fed bytes with their default decoder, so
 * before/after ratios come from one run.
 * @module
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';
import { createParser } from 'eventsource-parser';
import { importBuilt, loadedFrom } from './lib/built-package.js';
import { chunk, jsonEvents, largeEvents, smallEvents } from './lib/corpora.js';
import { root } from './lib/environment.js';
import { num, ratio, spread } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { summarize } from './lib/stats.js';

export const title = 'Parser throughput';
export const contenders = ['sse-machine', 'eventsource-parser'];

const CHUNK_SIZES = [4 * 1024, 16 * 1024, 64 * 1024];
const REFERENCE = 'esp3 + TextDecoder';

/**
 * The Node decoder entry (`sse-machine/parser/node`): from dist/ when tsup builds it, else bundled
 * from source with the same settings as {@link importBuilt}.
 * @returns {Promise<{ createNodeDecoder: () => unknown }>}
 */
async function importNodeDecoder() {
  const dist = path.join(root, 'dist', 'parser-node.js');
  if (existsSync(dist)) return import(pathToFileURL(dist).href);
  const outfile = path.join(root, '.bench-results', 'build', 'parser-node.js');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(root, 'src/parser/node.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['node:*'],
    logLevel: 'error',
  });
  return import(pathToFileURL(outfile).href);
}

/**
 * @typedef {{ events: number, chars: number }} Tally
 * @typedef {(chunks: readonly Uint8Array[]) => Tally} Feeder
 */

/**
 * @param {(callbacks: { onEvent(event: { data: string }): void }, options?: object) => { feed(chunk: Uint8Array): void, end(): void }} createEventStreamParser
 * @param {object} [options]
 * @returns {Feeder}
 */
function sseMachineFeeder(createEventStreamParser, options) {
  return (chunks) => {
    const tally = { events: 0, chars: 0 };
    const parser = createEventStreamParser(
      {
        onEvent(event) {
          tally.events++;
          tally.chars += event.data.length;
        },
      },
      options,
    );
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

/** @type {Feeder} */
function eventsourceParserStringDecoderFeeder(chunks) {
  const tally = { events: 0, chars: 0 };
  const parser = createParser({
    onEvent(event) {
      tally.events++;
      tally.chars += event.data.length;
    },
  });
  const decoder = new StringDecoder('utf8');
  for (const c of chunks) parser.feed(decoder.write(/** @type {Buffer} */ (c)));
  parser.feed(decoder.end());
  return tally;
}

/**
 * @param {{ rounds: number, log: (line: string) => void, quick: boolean }} context
 */
export async function run({ rounds, log, quick }) {
  const parserModule = await importBuilt('parser');
  if (!parserModule) throw new Error('sse-machine parser is neither built nor buildable');
  const { createNodeDecoder } = await importNodeDecoder();
  const create = /** @type {never} */ (parserModule.createEventStreamParser);
  /** @type {Record<string, Feeder>} */
  const feeders = {
    'sse-machine (Node decoder)': sseMachineFeeder(create, { createDecoder: createNodeDecoder }),
    'sse-machine (TextDecoder)': sseMachineFeeder(create),
    [REFERENCE]: eventsourceParserFeeder,
    'esp3 + StringDecoder': eventsourceParserStringDecoderFeeder,
  };
  for (const entry of (process.env.SSE_BENCH_BASELINE ?? '').split(',').filter(Boolean)) {
    const [label, file] = entry.includes('=') ? entry.split('=') : ['baseline', entry];
    // A checkout (its dist/parser.js) or a parser module file.
    const resolved = path.resolve(/** @type {string} */ (file));
    const module = await import(
      pathToFileURL(resolved.endsWith('.js') ? resolved : path.join(resolved, 'dist', 'parser.js')).href
    );
    feeders[/** @type {string} */ (label)] = sseMachineFeeder(module.createEventStreamParser);
  }
  const names = Object.keys(feeders);
  const scale = quick ? 0.1 : 1;
  const corpora = [
    () => smallEvents(1_000_000 * scale),
    () => jsonEvents(100_000 * scale, '\n', true),
    () => jsonEvents(100_000 * scale),
    () => largeEvents(1000 * scale),
    () => jsonEvents(100_000 * scale, '\r\n', true),
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
      const samples = await interleave(names, { rounds, warmup: 1 }, (name) => {
        const feed = /** @type {Feeder} */ (feeders[name]);
        const start = process.hrtime.bigint();
        const tally = feed(chunks);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        // A fast wrong parser is no result: all must see every event and every data character.
        if (tally.events !== corpus.events) {
          throw new Error(`${name} dispatched ${tally.events} events on ${label}, expected ${corpus.events}`);
        }
        charsSeen.set(name, tally.chars);
        return seconds;
      });
      if (new Set(charsSeen.values()).size !== 1) {
        throw new Error(`contenders disagree on the data of ${label}: ${JSON.stringify([...charsSeen])}`);
      }
      const reference = samples.get(REFERENCE) ?? [];
      const stats = names.map((name) => {
        const seconds = samples.get(name) ?? [];
        const mbps = summarize(seconds.map((s) => corpus.bytes.length / 1e6 / s));
        // Paired: each round's time of the reference over this contender's time in the same round.
        const speedup = summarize(seconds.map((s, i) => (reference[i] ?? Number.NaN) / s));
        return { name, mbps, speedup };
      });
      const ours = stats[0];
      if (!ours) throw new Error('unreachable');
      results.push({
        corpus: corpus.name,
        chunkBytes: size,
        bytes: corpus.bytes.length,
        events: corpus.events,
        stats,
        speedup: ours.speedup.median,
      });
      rows.push([
        corpus.name,
        `${size / 1024} KB`,
        spread(ours.mbps),
        ...stats.slice(1).map((s) => num(s.mbps.median)),
        ...stats.filter((s) => s.name !== REFERENCE).map((s) => ratio(s.speedup.median)),
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
          `${names[0]} MB/s`,
          ...names.slice(1).map((name) => `${name} MB/s`),
          ...names.filter((name) => name !== REFERENCE).map((name) => `${name} ÷ ref`),
        ],
        rows,
        notes: [
          `MB = 10^6 bytes of UTF-8 input. "÷ ref" = median over rounds of (time of ${REFERENCE} ÷ time of the contender) in the same round.`,
          `Corpora (${corpusNotes}): small = 1M × \`data: <32 bytes>\`; json-ascii = 100k × ~1 KB ASCII JSON with \`event:\` and \`id:\`; ` +
            'json = the same with a few non-ASCII characters per event; large = 1k × 64 KB over 64 `data:` lines; json-ascii-crlf = json-ascii with CRLF line ends.',
          `sse-machine loaded from ${loadedFrom.get('parser')}.`,
        ],
      },
    ],
    results,
    target: {
      description: `≥ 2× ${REFERENCE} on every corpus and chunk size (sse-machine with the Node decoder)`,
      met: results.every((r) => r.speedup >= 2),
    },
  };
}
