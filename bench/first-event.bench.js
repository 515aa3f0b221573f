/**
 * Time to first event: sequential fresh connections, each timed from creating the client to its first
 * message (the server sends one event in the same write as the response headers). This is the cost
 * of setting up a client and a request, which matters for short-lived streams such as LLM responses.
 * @module
 */
import { builtSource } from './lib/built-package.js';
import { allContenders, referencePeer, skippedNote, withProcesses } from './lib/e2e.js';
import { num, ratio } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { summarize } from './lib/stats.js';

export const title = 'Time to first event';
export const contenders = [...allContenders, 'undici'];

/** @param {{ log: (line: string) => void, quick: boolean }} context */
export async function run({ log, quick }) {
  const total = quick ? 50 : 200;
  // Interleave in batches so that every contender sees the same phases of a noisy machine.
  const batches = 10;
  const perBatch = total / batches;
  return withProcesses(allContenders, async ({ server, workers, skipped }) => {
    const url = `${server.origin}/first`;
    log(`  ${total} sequential connections per client, in ${batches} interleaved batches`);
    const samples = await interleave(workers, { rounds: batches, warmup: 1 }, (worker) =>
      worker.call('firstEvent', { url, count: perBatch }),
    );
    const summaries = workers.map((worker) => ({
      contender: worker.name,
      ms: summarize(/** @type {number[][]} */ (samples.get(worker) ?? []).flat()),
    }));
    const reference = summaries.find((s) => s.contender === referencePeer);
    const results = summaries.map((s) => ({
      ...s,
      // Lower is better: the ratio is the reference's time over this one's, so > 1 means faster.
      speedVsReference: reference ? reference.ms.median / s.ms.median : Number.NaN,
    }));
    return {
      tables: [
        {
          title: `Time to first event, ${total} sequential fresh connections per client`,
          columns: ['client', 'median ms', 'p99 ms', 'min–max ms', `speed vs ${referencePeer}`],
          rows: results.map((r) => [
            r.contender,
            num(r.ms.median),
            num(r.ms.p99),
            `${num(r.ms.min)}–${num(r.ms.max)}`,
            ratio(r.speedVsReference),
          ]),
          notes: [
            `Speed ratio = ${referencePeer}'s median ÷ this client's median (> 1 is faster). One warm-up batch is not counted.`,
            `sse-machine loaded from ${builtSource('index')}.`,
            ...skippedNote(skipped),
          ],
        },
      ],
      results,
    };
  });
}
