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
export const contenders = allContenders;

const SLOW = 'launchdarkly-eventsource';
const SLOW_CAP = 10_000;

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
      kind: 'json-ascii',
      n: 100_000 * scale,
      label: `${(100_000 * scale).toLocaleString('en-US')} ~1 KB JSON events (ASCII)`,
    },
    {
      kind: 'json',
      n: 100_000 * scale,
      label: `${(100_000 * scale).toLocaleString('en-US')} ~1 KB JSON events (non-ASCII: Zoë, Kraków, €)`,
    },
    {
      kind: 'token',
      n: 2000 * scale,
      label: `${(2000 * scale).toLocaleString('en-US')} token events, one per write, 1 ms apart`,
    },
  ];
  return withProcesses(allContenders, async ({ server, workers, skipped }) => {
    const rows = [];
    const results = [];
    for (const workload of workloads) {
      if (workload.kind !== 'token') await server.call('prepare', { kind: workload.kind, n: workload.n });
      const url =
        workload.kind === 'token'
          ? `${server.origin}/tokens?n=${workload.n}&gap=1`
          : `${server.origin}/stream?kind=${workload.kind}&n=${workload.n}`;
      log(`  ${workload.label}`);
      const samples = await interleave(workers, { rounds, warmup: 1 }, async (worker) => {
        // launchdarkly-eventsource spends ~0.27 ms per event on a bulk stream (3.5k events/s): it reads
        // the first SLOW_CAP events of the stream, or one round of 1M would take over an hour.
        const expected = worker.name === SLOW ? Math.min(workload.n, SLOW_CAP) : workload.n;
        /** @type {{ ms: number, cpuMs: number, events: number }} */
        const sample = await worker.call('throughput', { url, expected });
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
      const floor = summaries.find((s) => s.contender === 'undici');
      for (const s of summaries) {
        const speedup = reference ? s.eventsPerSecond.median / reference.eventsPerSecond.median : Number.NaN;
        const cpuVsFloor = floor ? s.cpuMicrosPerEvent.median / floor.cpuMicrosPerEvent.median : Number.NaN;
        const cpuVsReference = reference
          ? reference.cpuMicrosPerEvent.median / s.cpuMicrosPerEvent.median
          : Number.NaN;
        results.push({
          workload: workload.label,
          ...s,
          ratioVsReference: speedup,
          cpuVsReference,
          cpuVsFloor,
        });
        rows.push([
          workload.label,
          s.contender,
          spread(s.eventsPerSecond),
          num(s.cpuMicrosPerEvent.median),
          ratio(speedup),
          ratio(cpuVsReference),
          ratio(cpuVsFloor),
        ]);
      }
    }
    return {
      tables: [
        {
          title: `Throughput, one connection, median (min–max) of ${rounds} interleaved rounds`,
          columns: [
            'workload',
            'client',
            'events/s',
            'client CPU µs/event',
            `speed vs ${referencePeer}`,
            `CPU efficiency vs ${referencePeer}`,
            'CPU vs undici floor',
          ],
          rows,
          notes: [
            'Time runs from creating the client to its last message; CPU is user+system of the client process only.',
            'Peers use undici’s fetch (same HTTP stack as sse-machine); launchdarkly-eventsource uses node:http. Every client runs with its default options.',
            'speed = events/s ÷ eventsource’s; CPU efficiency = eventsource’s CPU/event ÷ this client’s (> 1 is better); CPU vs floor = CPU/event ÷ the bare undici.request loop’s (< 1.1 is the token-stream target).',
            `${SLOW} reads only the first ${SLOW_CAP.toLocaleString('en-US')} events of each bulk stream (it runs at ~3.5k events/s there).`,
            'On the token workload the wall time is the server’s pacing; only CPU/event means anything there.',
            `sse-machine loaded from ${builtSource('index')}.`,
            ...skippedNote(skipped),
          ],
        },
      ],
      results,
    };
  });
}
