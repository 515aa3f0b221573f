/**
 * Reconnect latency: the server ends the stream after one event; the client reconnects after the
 * server's `retry:` delay. Measured on the server's clock, from the end of one response to the arrival
 * of the next request, minus the retry delay: what the client adds on top of the delay it was told.
 * @module
 */
import { builtSource } from './lib/built-package.js';
import { allContenders, skippedNote, withProcesses } from './lib/e2e.js';
import { num } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { summarize } from './lib/stats.js';

export const title = 'Reconnect latency';
export const contenders = [...allContenders, 'undici'];

/** @param {{ log: (line: string) => void, quick: boolean, rounds: number }} context */
export async function run({ log, quick, rounds }) {
  const reconnects = quick ? 5 : 20;
  return withProcesses(allContenders, async ({ server, workers, skipped }) => {
    const rows = [];
    const results = [];
    for (const retry of [0, 100]) {
      log(`  retry: ${retry} ms, ${reconnects} reconnects per round, ${rounds} rounds`);
      let session = 0;
      /** @type {Map<string, number[]>} */
      const overheads = new Map();
      await interleave(workers, { rounds, warmup: 1 }, async (worker, round) => {
        const id = `${worker.name}-${retry}-${session++}`;
        await worker.call('reconnect', {
          url: `${server.origin}/close-after?n=1&retry=${retry}&session=${encodeURIComponent(id)}`,
          reconnects,
        });
        /** @type {{ gaps: number[] }} */
        const record = await server.call('session', { session: id });
        if (round >= 0)
          overheads.set(worker.name, [
            ...(overheads.get(worker.name) ?? []),
            ...record.gaps.map((g) => g - retry),
          ]);
      });
      for (const worker of workers) {
        const s = summarize(overheads.get(worker.name) ?? []);
        results.push({ contender: worker.name, retry, overheadMs: s });
        rows.push([
          `${retry} ms`,
          worker.name,
          num(s.median),
          num(s.p99),
          `${num(s.min)}–${num(s.max)}`,
          String(s.n),
        ]);
      }
    }
    return {
      tables: [
        {
          title: 'Reconnect latency beyond the retry delay (server clock)',
          columns: ['retry:', 'client', 'median ms', 'p99 ms', 'min–max ms', 'reconnects'],
          rows,
          notes: [
            'Gap from the server ending a response to the next request of the same client, minus the `retry:` value. Includes timer granularity, connection set-up (or socket reuse) and the library’s own work.',
            'sse-machine runs with `reconnect: { strategy: "fixed", jitter: 0 }` so the wait is exactly the server’s `retry:`; peers follow `retry:` by default.',
            `sse-machine loaded from ${builtSource('index')}.`,
            ...skippedNote(skipped),
          ],
        },
      ],
      results,
    };
  });
}
