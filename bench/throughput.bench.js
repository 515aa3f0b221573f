/**
 * End-to-end throughput of one connection: a local server process writes 1M small events or 100k JSON
 * events as fast as the socket drains; each client counts them. Client CPU time is that of the client's
 * own process (process.cpuUsage), so it is the library plus undici, not the server.
 * @module
 */
import { builtSource } from './lib/built-package.js';
import { allContenders, referencePeer, skippedNote, withProcesses } from './lib/e2e.js';
import { num, ratio, spread } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { summarize } from './lib/stats.js';

export const title = 'End-to-end throughput, one connection';
export const contenders = [...allContenders, 'undici'];

/** @param {{ rounds: number, log: (line: string) => void, quick: boolean }} context */
export async function run({ rounds, log, quick }) {
  const scale = quick ? 0.1 : 1;
  const workloads = [
    {
      kind: 'small',
      n: 1_000_000 * scale,
      label: `${(1_000_000 * scale).toLocaleString('en-US')} small events`,
    },
    {
      kind: 'json',
      n: 100_000 * scale,
      label: `${(100_000 * scale).toLocaleString('en-US')} ~1 KB JSON events`,
    },
  ];
  return withProcesses(allContenders, async ({ server, workers, skipped }) => {
    const rows = [];
    const results = [];
    for (const workload of workloads) {
      await server.call('prepare', { kind: workload.kind, n: workload.n });
      const url = `${server.origin}/stream?kind=${workload.kind}&n=${workload.n}`;
      log(`  ${workload.label}`);
      const samples = await interleave(workers, { rounds, warmup: 1 }, async (worker) => {
        /** @type {{ ms: number, cpuMs: number, events: number }} */
        const sample = await worker.call('throughput', { url, expected: workload.n });
        return sample;
      });
      const summaries = workers.map((worker) => {
        const list = samples.get(worker) ?? [];
        return {
          contender: worker.name,
          eventsPerSecond: summarize(list.map((s) => (s.events / s.ms) * 1000)),
          cpuMicrosPerEvent: summarize(list.map((s) => (s.cpuMs * 1000) / s.events)),
        };
      });
      const reference = summaries.find((s) => s.contender === referencePeer);
      for (const s of summaries) {
        const speedup = reference ? s.eventsPerSecond.median / reference.eventsPerSecond.median : Number.NaN;
        results.push({ workload: workload.label, ...s, ratioVsReference: speedup });
        rows.push([
          workload.label,
          s.contender,
          spread(s.eventsPerSecond),
          num(s.cpuMicrosPerEvent.median),
          ratio(speedup),
        ]);
      }
    }
    return {
      tables: [
        {
          title: `Throughput, one connection, median (min–max) of ${rounds} interleaved rounds`,
          columns: ['workload', 'client', 'events/s', 'client CPU µs/event', `ratio vs ${referencePeer}`],
          rows,
          notes: [
            'Time runs from creating the client to its last message; CPU is user+system of the client process only.',
            'Peers use undici’s fetch (same HTTP stack as sse-machine).',
            `sse-machine loaded from ${builtSource('index')}.`,
            ...skippedNote(skipped),
          ],
        },
      ],
      results,
    };
  });
}
