/**
 * Memory per idle connection: 1000 (or BENCH_IDLE_CONNECTIONS) concurrent connections to streams that only send keep-alive
 * comments. Each contender runs alone in a fresh process (one after the other, never together), so
 * its heap and RSS hold nothing of the others.
 * @module
 */
import { builtSource } from './lib/built-package.js';
import { startWorker } from './lib/client-worker.js';
import { allContenders, referencePeer, skippedNote } from './lib/e2e.js';
import { num, ratio } from './lib/format.js';
import { startServer } from './lib/server.js';
import { median } from './lib/stats.js';

export const title = 'Memory per idle connection';
export const contenders = [...allContenders, 'undici'];

/** @param {{ log: (line: string) => void, quick: boolean, rounds: number }} context */
export async function run({ log, quick }) {
  // BENCH_IDLE_CONNECTIONS=10000 BENCH_IDLE_REPEATS=1 npm run bench -- memory: the 10 000-connection figure.
  const count = Number(process.env.BENCH_IDLE_CONNECTIONS ?? (quick ? 200 : 1000));
  // Three fresh processes per contender: memory figures vary with GC timing, the median is steadier.
  const repeats = Number(process.env.BENCH_IDLE_REPEATS ?? (quick ? 1 : 3));
  const server = await startServer();
  /** @type {string[]} */
  const skipped = [];
  /** @type {Map<string, { heap: number[], external: number[], rss: number[] }>} */
  const figures = new Map();
  try {
    // Keep-alive comments every 2 s: the streams see traffic, as idle production streams do.
    const url = `${server.origin}/idle?interval=2000`;
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const name of allContenders) {
        const worker = await startWorker(name);
        if (!worker) {
          if (!skipped.includes(name)) skipped.push(name);
          continue;
        }
        try {
          log(`  ${name}: ${count} idle connections (process ${repeat + 1} of ${repeats})`);
          /** @type {{ heapPerConnection: number, externalPerConnection: number, rssPerConnection: number }} */
          const r = await worker.call('idleMemory', { url, count });
          const entry = figures.get(name) ?? { heap: [], external: [], rss: [] };
          entry.heap.push(r.heapPerConnection);
          entry.external.push(r.externalPerConnection);
          entry.rss.push(r.rssPerConnection);
          figures.set(name, entry);
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    await server.stop();
  }
  const results = [...figures].map(([contender, f]) => ({
    contender,
    heapBytes: median(f.heap),
    externalBytes: median(f.external),
    rssBytes: median(f.rss),
    samples: f,
  }));
  const reference = results.find((r) => r.contender === referencePeer);
  const kb = (/** @type {number} */ bytes) => num(bytes / 1024);
  return {
    tables: [
      {
        title: `Memory per idle connection (${count} concurrent, median of ${repeats} fresh processes)`,
        columns: [
          'client',
          'retained heap KB/conn',
          'external KB/conn',
          'RSS KB/conn',
          `heap vs ${referencePeer}`,
        ],
        rows: results.map((r) => [
          r.contender,
          kb(r.heapBytes),
          kb(r.externalBytes),
          kb(r.rssBytes),
          ratio(reference ? r.heapBytes / reference.heapBytes : Number.NaN),
        ]),
        notes: [
          'Retained heap = heapUsed after 3 forced GCs with all connections open, minus the same after 10 warm-up connections were opened and closed, ÷ connections. External = Buffers/ArrayBuffers.',
          `Heap ratio = this client's heap ÷ ${referencePeer}'s (< 1 is leaner). RSS includes undici's and the kernel-side socket buffers as mapped into the process; it is the noisiest figure.`,
          `sse-machine loaded from ${builtSource('index')}.`,
          ...skippedNote(skipped),
        ],
      },
    ],
    results,
  };
}
