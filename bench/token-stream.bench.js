/**
 * Token stream (issue 12 point 2): an LLM-style stream, one ~60-byte JSON event
 * (`data: {"choices":[{"delta":{"content":"tok"}}]}\n\n`) per server write with TCP_NODELAY, N events
 * per run, every client with its **default options**. The figure is the client's CPU per event
 * (user + system of the client's own process, `process.cpuUsage`), against a bare `undici.request`
 * loop that only counts events (the floor). Contenders rotate (A, B, C, …) for R rounds after one
 * warm-up round; medians, ratios to the floor and to each peer taken per round (paired) and medianed.
 *
 * `BENCH_TOKENS=N` (default 5 000) events per run; `BENCH_TOKEN_GAP=ms` (default 1: a timer of that
 * many ms between writes, so every event reaches every client in its own read, as a real token stream
 * does; 0: the server only yields with setImmediate between writes and outruns the clients, whose reads
 * then coalesce by an amount that depends on the client's own speed; the `reads/event` column shows it).
 * `SSE_BENCH_BASELINE=before=../wt-base` adds another build of sse-machine to the same rotation.
 * @module
 */
import os from 'node:os';
import { builtSource } from './lib/built-package.js';
import { allContenders, skippedNote, withProcesses } from './lib/e2e.js';
import { num, ratio, spread } from './lib/format.js';
import { interleave } from './lib/interleave.js';
import { median, summarize } from './lib/stats.js';

export const title = 'Token stream: one small JSON event per write, default options';
/** fetch-event-source and launchdarkly-eventsource are in the throughput suite's token workload. */
const names = allContenders.filter(
  (n) => n !== '@microsoft/fetch-event-source' && n !== 'launchdarkly-eventsource',
);
export const contenders = names;

/** @param {{ rounds: number, log: (line: string) => void, quick: boolean }} context */
export async function run({ rounds, log, quick }) {
  const n = Number(process.env.BENCH_TOKENS ?? (quick ? 500 : 5000));
  const gap = Number(process.env.BENCH_TOKEN_GAP ?? '1');
  const load = os.loadavg();
  log(`  load average at start: ${load.map((l) => l.toFixed(2)).join(', ')}`);
  return withProcesses(names, async ({ server, workers, skipped }) => {
    const url = `${server.origin}/tokens?n=${n}&gap=${gap}`;
    log(`  ${n.toLocaleString('en-US')} token events per run, gap ${gap} ms`);
    const samples = await interleave(workers, { rounds, warmup: 1 }, async (worker) => {
      /** @type {{ ms: number, cpuMs: number, events: number, chunks?: number, reads?: number }} */
      const sample = await worker.call('throughput', { url, expected: n });
      return sample;
    });
    const loadEnd = os.loadavg();
    log(`  load average at end: ${loadEnd.map((l) => l.toFixed(2)).join(', ')}`);
    const cpu = (/** @type {{ cpuMs: number, events: number }} */ s) => (s.cpuMs * 1000) / s.events;
    const floor = workers.find((w) => w.name === 'undici');
    const floorSamples = floor ? (samples.get(floor) ?? []) : [];
    const eventsPerChunk = median(floorSamples.map((s) => s.events / (s.chunks ?? s.events)));
    const paired = (/** @type {any[]} */ a, /** @type {any[]} */ b) =>
      median(a.map((s, i) => cpu(s) / cpu(b[i] ?? s)));
    const peers = workers.filter((w) => w.name === 'eventsource' || w.name === 'eventsource-client');
    const results = workers.map((worker) => {
      const list = samples.get(worker) ?? [];
      return {
        contender: worker.name,
        cpuMicrosPerEvent: summarize(list.map(cpu)),
        eventsPerSecond: summarize(list.map((s) => (s.events / s.ms) * 1000)),
        readsPerEvent: median(list.map((s) => (s.reads ?? Number.NaN) / s.events)),
        vsFloor: floor ? paired(list, floorSamples) : Number.NaN,
        vsPeers: Object.fromEntries(peers.map((p) => [p.name, paired(list, samples.get(p) ?? [])])),
      };
    });
    const after = results.find((r) => r.contender === 'sse-machine');
    const met =
      after !== undefined &&
      after.vsFloor <= 1.1 &&
      Object.values(after.vsPeers).every((r) => /** @type {number} */ (r) < 1);
    return {
      tables: [
        {
          title: `Token stream, ${n.toLocaleString('en-US')} events of ~60 bytes, one per write (TCP_NODELAY), default options, median (min–max) of ${rounds} interleaved rounds`,
          columns: [
            'client',
            'client CPU µs/event',
            'reads/event',
            'events/s',
            'CPU vs floor',
            ...peers.map((p) => `CPU vs ${p.name}`),
          ],
          rows: results.map((r) => [
            r.contender,
            spread(r.cpuMicrosPerEvent),
            num(r.readsPerEvent),
            num(r.eventsPerSecond.median),
            ratio(r.vsFloor),
            ...peers.map((p) => ratio(/** @type {number} */ (r.vsPeers[p.name]))),
          ]),
          notes: [
            'reads/event = read system calls of the client process (`/proc/self/io` syscr) ÷ events: ~1 means one event per read.',
            'CPU = user+system of the client’s own process from creating the client to its last message, ÷ events. Ratios are per round (same rotation) and medianed; < 1 is cheaper.',
            `The floor (undici) read ${num(eventsPerChunk)} events per network chunk (median): ${eventsPerChunk < 1.5 ? 'one event per read, as intended' : 'the server outran it, so reads coalesced'}.`,
            `Load average ${load.map((l) => l.toFixed(2)).join('/')} at the start, ${loadEnd.map((l) => l.toFixed(2)).join('/')} at the end (2 cores).`,
            `sse-machine loaded from ${builtSource('index')}${process.env.SSE_BENCH_BASELINE ? `; baselines: ${process.env.SSE_BENCH_BASELINE}` : ''}.`,
            ...skippedNote(skipped),
          ],
        },
      ],
      target: {
        description:
          'sse-machine ≤ 1.1× the floor’s CPU per event and below eventsource and eventsource-client',
        met,
      },
      results,
    };
  });
}
