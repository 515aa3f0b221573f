/**
 * Where a client's CPU goes: `node bench/profile.js [--workload small|json|token] [--runs N] [contender ...]`.
 * Each contender (default: `sse-machine` and every `SSE_BENCH_BASELINE` build) runs in a worker started
 * with `--cpu-prof`; it reads one unrecorded warm-up stream and then `runs` streams of the workload
 * from the bench server. The profile's self time is then put in categories by the function's original
 * source (dist/ source maps map bundled code back to src/ and machines/), and printed as a Markdown
 * table of shares of the client's busy time (idle excluded). Profiles are kept in
 * .bench-results/profiles/ for a closer look (Chrome DevTools, speedscope).
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWorker } from './lib/client-worker.js';
import { baselineBuilds } from './lib/contenders.js';
import { root } from './lib/environment.js';
import { markdownTable } from './lib/format.js';
import { startServer } from './lib/server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workload: { type: 'string', default: 'small' },
    runs: { type: 'string', default: '5' },
  },
});
const names = positionals.length > 0 ? positionals : ['sse-machine', ...baselineBuilds().keys()];
const runs = Number(values.runs);
const workloads = /** @type {Record<string, { path: string, n: number }>} */ ({
  small: { path: '/stream?kind=small&n=1000000', n: 1_000_000 },
  json: { path: '/stream?kind=json&n=100000', n: 100_000 },
  'json-ascii': { path: '/stream?kind=json-ascii&n=100000', n: 100_000 },
  token: { path: '/tokens?n=5000&gap=1', n: 5000 },
});
const workload = workloads[values.workload];
if (!workload) throw new Error(`unknown workload ${values.workload}`);

/** Source maps by generated file URL. @type {Map<string, SourceMap | null>} */
const maps = new Map();
/** @param {string} url */
function sourceMapOf(url) {
  if (!maps.has(url)) {
    let map = null;
    try {
      const file = fileURLToPath(url);
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // no map: the URL alone decides
    }
    maps.set(url, map);
  }
  return maps.get(url) ?? null;
}

/**
 * @param {{ url: string, functionName: string, lineNumber: number, columnNumber: number }} frame
 * @returns {string}
 */
function category(frame) {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || functionName === '(root)') return 'V8/native (program)';
  if (url === '') return 'V8/native (program)';
  if (url.includes('node_modules/xstate/') || url.includes('node_modules/@xstate')) return 'control: XState';
  if (url.includes('node_modules/undici/')) {
    if (/\/lib\/api\/readable\.js|\/lib\/api\/api-request\.js/.test(url)) return 'body iteration';
    return 'undici (HTTP/1.1 client, llhttp)';
  }
  if (url.startsWith('node:internal/streams') || url === 'node:stream') return 'body iteration';
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/bootstrap'))
    return 'startup/module loading';
  if (url.startsWith('node:internal/timers') || url === 'node:timers') return 'node timers';
  if (url.startsWith('node:internal/process/task_queues') || url.startsWith('node:internal/process/promises'))
    return 'microtasks/nextTick';
  if (url === 'node:net' || url.startsWith('node:internal/stream_base') || url === 'node:internal/net')
    return 'socket (node:net)';
  if (url.includes('/bench/')) return 'harness (bench worker, IPC)';
  if (url.includes('/dist/')) {
    const map = sourceMapOf(url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    const source = /** @type {{ originalSource?: string }} */ entry?.originalSource ?? '';
    if (/parser\//.test(source)) return 'sse-machine: parser (+decoder)';
    if (/metrics/.test(source)) return 'sse-machine: metrics';
    if (/client\/(listeners|event-queue|cursor)|client\.ts|src\/client\//.test(source))
      return 'sse-machine: delivery (client, listeners, queue)';
    if (/transport\/undici|transport\/http/.test(source)) return 'body iteration';
    if (/transport\/(attempt|watchdog|stream-actor|create-stream-logic)/.test(source))
      return 'control: stream actor (attempt, watchdog)';
    if (/machines\/|connection-machine|machine\.ts/.test(source)) return 'control: XState';
    if (/options|build-request|request\.ts|http-url|header/.test(source))
      return 'sse-machine: per-attempt setup (options, request)';
    return 'sse-machine: other';
  }
  if (
    url.startsWith('node:internal/fs') ||
    url === 'node:fs' ||
    url.includes('child_process') ||
    url === 'node:internal/url'
  )
    return 'harness (bench worker, IPC)';
  if (url.startsWith('node:')) return 'node other (buffer, events, errors, …)';
  return 'other';
}

/** @param {string} file */
function categorise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<number, any>} */
  const byId = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  /** @type {Map<string, number>} */
  const totals = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node.callFrame.functionName === '(idle)') continue;
    const c = category(node.callFrame);
    totals.set(c, (totals.get(c) ?? 0) + us);
  }
  return totals;
}

const server = await startServer();
const dir = path.join(root, '.bench-results', 'profiles');
mkdirSync(dir, { recursive: true });
/** @type {Map<string, Map<string, number>>} */
const results = new Map();
try {
  for (const name of names) {
    const out = path.join(dir, `${values.workload}-${name.replace(/[^a-z0-9@.-]+/gi, '_')}`);
    rmSync(out, { recursive: true, force: true });
    const worker = await startWorker(name, ['--cpu-prof', `--cpu-prof-dir=${out}`]);
    if (!worker) throw new Error(`${name} did not load`);
    const url = `${server.origin}${workload.path}`;
    for (let i = 0; i <= runs; i++) await worker.call('throughput', { url, expected: workload.n });
    await worker.stop();
    const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile written for ${name}`);
    results.set(name, categorise(path.join(out, file)));
  }
} finally {
  await server.stop();
}
const categories = [...new Set([...results.values()].flatMap((m) => [...m.keys()]))];
const share = (/** @type {Map<string, number>} */ m, /** @type {string} */ c) => {
  const busy = [...m.values()].reduce((a, b) => a + b, 0);
  return `${(((m.get(c) ?? 0) / busy) * 100).toFixed(1)} %`;
};
categories.sort(
  (a, b) => (results.values().next().value?.get(b) ?? 0) - (results.values().next().value?.get(a) ?? 0),
);
process.stdout.write(
  `${markdownTable({
    title: `CPU profile, ${values.workload} workload (${runs} streams after a warm-up), share of busy samples`,
    columns: ['category', ...names],
    rows: [
      ...categories.map((c) => [
        c,
        ...names.map((n) => share(/** @type {Map<string, number>} */ (results.get(n)), c)),
      ]),
      [
        'busy ms (all streams incl. warm-up)',
        ...names.map((n) =>
          (
            [.../** @type {Map<string, number>} */ (results.get(n)).values()].reduce((a, b) => a + b, 0) /
            1000
          ).toFixed(0),
        ),
      ],
    ],
    notes: [],
  })}\n`,
);
