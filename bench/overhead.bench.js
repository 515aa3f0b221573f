/**
 * Machine overhead: sse-machine's throughput with and without an XState inspector attached
 * (`createSseClient(url, { inspect: () => {} })`). Events travel from the parser to listeners without a
 * transition each, so inspection should cost little; this measures how little.
 * @module
 */
import { builtSource } from './lib/built-package.js';
import { skippedNote, withProcesses } from './lib/e2e.js';
import { num, ratio, spread } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { summarize } from './lib/stats.js';

export const title = 'Machine overhead (inspector attached)';
export const contenders = ['sse-machine', 'xstate', 'undici'];

/** @param {{ rounds: number, log: (line: string) => void, quick: boolean }} context */
export async function run({ rounds, log, quick }) {
  const n = quick ? 100_000 : 1_000_000;
  return withProcesses(['sse-machine', 'sse-machine (inspected)'], async ({ server, workers, skipped }) => {
    await server.call('prepare', { kind: 'small', n });
    const url = `${server.origin}/stream?kind=small&n=${n}`;
    log(`  ${n.toLocaleString('en-US')} small events`);
    const samples = await interleave(workers, { rounds, warmup: 1 }, (worker) =>
      worker.call('throughput', { url, expected: n }),
    );
    const results = workers.map((worker) => {
      /** @type {{ ms: number, cpuMs: number, events: number }[]} */
      const list = samples.get(worker) ?? [];
      return {
        contender: worker.name,
        eventsPerSecond: summarize(list.map((s) => (s.events / s.ms) * 1000)),
        cpuMicrosPerEvent: summarize(list.map((s) => (s.cpuMs * 1000) / s.events)),
      };
    });
    const plain = results.find((r) => r.contender === 'sse-machine');
    return {
      tables: [
        {
          title: `Machine overhead, ${n.toLocaleString('en-US')} small events, median (min–max) of ${rounds} interleaved rounds`,
          columns: ['client', 'events/s', 'client CPU µs/event', 'ratio vs plain'],
          rows: results.map((r) => [
            r.contender,
            spread(r.eventsPerSecond),
            num(r.cpuMicrosPerEvent.median),
            ratio(plain ? r.eventsPerSecond.median / plain.eventsPerSecond.median : Number.NaN),
          ]),
          notes: [`sse-machine loaded from ${builtSource('index')}.`, ...skippedNote(skipped)],
        },
      ],
      results,
    };
  });
}
