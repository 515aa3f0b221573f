/**
 * Memory per idle connection, attributed: `node --expose-gc bench/heap-attribution.js [--count N] [contender ...]`
 * (default 1000 connections; contenders: `sse-machine` and every `SSE_BENCH_BASELINE` build).
 *
 * For each contender a fresh process (piped stdio: with inherited stdio every `net.Socket` grows a
 * 3 KB dictionary, see BENCHMARKS.md) opens and closes 10 warm-up connections, takes a heap snapshot
 * (`v8.writeHeapSnapshot`), opens N idle connections to the bench server, lets them settle, and takes a
 * second one. Objects present only in the second snapshot (V8 keeps object ids across snapshots of one
 * process) are the connections' cost. Each is charged to the nearest **owner** on its shortest path
 * from the GC roots: the first object on that path whose constructor (or closure) names a component.
 * The table gives bytes per connection by owner. The attribution follows one retainer path per object
 * (the one a breadth-first walk reaches first), so shared objects go to whichever owner is nearer the
 * roots; the totals are exact, the split is indicative.
 * @module
 */
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { baselineBuilds } from './lib/contenders.js';
import { root } from './lib/environment.js';
import { markdownTable } from './lib/format.js';
import { startServer } from './lib/server.js';

/** Owner of an object, from its constructor or closure name (first match on the retainer path). */
const OWNERS = /** @type {[RegExp, string][]} */ ([
  [/^(Actor|Mailbox|StateMachine|StateNode)$/, 'XState actor and system'],
  [
    /^(_bookId|_register|_unregister|_set|_sendInspectionEvent|_relay|getAll|scheduler|inspect|schedule|cancel|cancelAll|_clock|_logger)$/,
    'XState actor and system',
  ],
  [/^(Watchdog)$/, 'stream actor (attempt, watchdog)'],
  [/^(MetricsRecorder)$/, 'metrics'],
  [/^(ListenerRegistry|EventQueue|ConsumptionCursor)$/, 'client facade (listeners, queue, cursor)'],
  [/^(feed|parseLFLines|processLine|endBlock|appendData)$/, 'parser'],
  [/^(TextDecoder|StringDecoder)$/, 'parser'],
  [/^(AbortController|AbortSignal)$/, 'AbortControllers/signals'],
  [/^(Timeout|FastTimer|TimersList|Immediate)$/, 'timers'],
  [
    /^(BodyReadable|RequestHandler|Request|ReadableState|WritableState|Parser|HTTPParser|Client|Pool|Agent|Dispatcher|DispatcherBase|Headers|Response|Fetch|Readable|WriteStream|Transform)$/,
    'undici objects (request, body, client)',
  ],
  [/^(Socket|TCP|TCPWrap|TCPConnectWrap|WriteWrap|ShutdownWrap)$/, 'socket (net.Socket, TCP)'],
  [/^(EventSource|EventTarget|MessageEvent)$/, 'EventTarget (AbortSignal, peer EventSource)'],
]);

/** @param {string} name */
function owner(name) {
  for (const [pattern, label] of OWNERS) if (pattern.test(name)) return label;
  return undefined;
}

/**
 * @param {string} file
 * @param {Set<number>} [baseIds] ids of the first snapshot; undefined: return this snapshot's ids
 */
function analyse(file, baseIds) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: nf, edge_fields: ef, node_types: nt, edge_types: et } = snapshot.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const { nodes, edges, strings } = snapshot;
  const iType = nf.indexOf('type');
  const iName = nf.indexOf('name');
  const iId = nf.indexOf('id');
  const iSize = nf.indexOf('self_size');
  const iEdges = nf.indexOf('edge_count');
  const eType = ef.indexOf('type');
  const _eName = ef.indexOf('name_or_index');
  const eTo = ef.indexOf('to_node');
  const nodeTypes = nt[iType];
  const edgeTypes = et[eType];
  const count = nodes.length / N;
  if (!baseIds) {
    const ids = new Set();
    for (let i = 0; i < count; i++) ids.add(nodes[i * N + iId]);
    return { ids };
  }
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * N + iEdges] * E;
  }
  firstEdge[count] = edges.length;
  // Breadth-first from the root, strong edges only: parent = the first retainer reached.
  const parent = new Int32Array(count).fill(-1);
  const seen = new Uint8Array(count);
  const queue = new Uint32Array(count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail) {
    const n = /** @type {number} */ (queue[head++]);
    for (let e = /** @type {number} */ (firstEdge[n]); e < /** @type {number} */ (firstEdge[n + 1]); e += E) {
      const type = edgeTypes[edges[e + eType]];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = edges[e + eTo] / N;
      if (seen[to]) continue;
      seen[to] = 1;
      parent[to] = n;
      queue[tail++] = to;
    }
  }
  const nameOf = (/** @type {number} */ n) => {
    const type = nodeTypes[nodes[n * N + iType]];
    const name = strings[nodes[n * N + iName]];
    return type === 'closure' || type === 'object' || type === 'native' ? name : `(${type})`;
  };
  /** @type {Map<string, number>} */
  const byOwner = new Map();
  /** @type {Map<string, number>} */
  const unowned = new Map();
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue; // unreachable: garbage not yet collected
    if (baseIds.has(nodes[n * N + iId])) continue;
    const size = nodes[n * N + iSize];
    total += size;
    let label;
    for (
      let at = n, depth = 0;
      at >= 0 && depth < 64 && label === undefined;
      at = parent[at] ?? -1, depth++
    ) {
      label = owner(nameOf(at));
    }
    if (label === undefined) {
      const type = nodeTypes[nodes[n * N + iType]];
      label = type === 'closure' ? 'closures (other)' : 'other';
      const key = `${type}:${strings[nodes[n * N + iName]]}`.slice(0, 60);
      unowned.set(key, (unowned.get(key) ?? 0) + size);
    }
    byOwner.set(label, (byOwner.get(label) ?? 0) + size);
  }
  return { total, byOwner, unowned };
}

async function child() {
  const { loadContender } = await import('./lib/contenders.js');
  const [, , , name, url, countText, out] = process.argv;
  const count = Number(countText);
  const contender = await loadContender(/** @type {string} */ (name));
  if (!contender) throw new Error(`${name} did not load`);
  const gc = () => {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
  };
  /** @param {number} n */
  const openMany = async (n) => {
    const connections = [];
    const opened = [];
    for (let i = 0; i < n; i++) {
      opened.push(
        new Promise((resolve) => {
          connections.push(
            contender.connect(
              /** @type {string} */ (url),
              { onOpen: () => resolve(undefined), onMessage() {} },
              'once',
            ),
          );
        }),
      );
    }
    await Promise.all(opened);
    return connections;
  };
  for (const c of await openMany(10)) c.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  gc();
  const before = process.memoryUsage().heapUsed;
  v8.writeHeapSnapshot(`${out}-a.heapsnapshot`);
  const connections = await openMany(count);
  await new Promise((resolve) => setTimeout(resolve, 500));
  gc();
  const after = process.memoryUsage().heapUsed;
  v8.writeHeapSnapshot(`${out}-b.heapsnapshot`);
  process.send?.({ heapPerConnection: (after - before) / count });
  for (const c of connections) c.close();
  setTimeout(() => process.exit(0), 100);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { count: { type: 'string', default: '1000' } },
  });
  const count = Number(values.count);
  const names = positionals.length > 0 ? positionals : ['sse-machine', ...baselineBuilds().keys()];
  const server = await startServer();
  /** @type {Map<string, { heapPerConnection: number, total: number, byOwner: Map<string, number>, unowned: Map<string, number> }>} */
  const results = new Map();
  try {
    for (const name of names) {
      const out = path.join(root, '.bench-results', `heap-${name.replace(/[^a-z0-9@.-]+/gi, '_')}`);
      const proc = fork(
        fileURLToPath(import.meta.url),
        ['child', name, `${server.origin}/idle?interval=2000`, String(count), out],
        {
          execArgv: ['--expose-gc'],
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        },
      );
      proc.stdout?.resume();
      proc.stderr?.on('data', (d) => process.stderr.write(d));
      const reply = await new Promise((resolve, reject) => {
        proc.once('message', resolve);
        proc.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
      });
      await new Promise((resolve) => proc.once('exit', resolve));
      const { ids } = /** @type {{ ids: Set<number> }} */ (analyse(`${out}-a.heapsnapshot`));
      const r = /** @type {{ total: number, byOwner: Map<string, number>, unowned: Map<string, number> }} */ (
        analyse(`${out}-b.heapsnapshot`, ids)
      );
      rmSync(`${out}-a.heapsnapshot`);
      rmSync(`${out}-b.heapsnapshot`);
      results.set(name, { heapPerConnection: /** @type {any} */ (reply).heapPerConnection, ...r });
    }
  } finally {
    await server.stop();
  }
  const owners = [...new Set([...results.values()].flatMap((r) => [...r.byOwner.keys()]))].sort();
  const kb = (/** @type {number} */ b) => (b / 1024).toFixed(2);
  const rows = owners.map((o) => [o, ...names.map((n) => kb((results.get(n)?.byOwner.get(o) ?? 0) / count))]);
  rows.push([
    '**total (new reachable objects)**',
    ...names.map((n) => `**${kb((results.get(n)?.total ?? 0) / count)}**`),
  ]);
  rows.push([
    'heapUsed delta (for comparison)',
    ...names.map((n) => kb(results.get(n)?.heapPerConnection ?? 0)),
  ]);
  process.stdout.write(
    `${markdownTable({
      title: `Retained heap per idle connection by owner, KB (${count} connections, heap-snapshot diff)`,
      columns: ['owner', ...names],
      rows,
      notes: [],
    })}\n`,
  );
  for (const n of names) {
    const top = [...(results.get(n)?.unowned ?? new Map())].sort((a, b) => b[1] - a[1]).slice(0, 12);
    process.stdout.write(
      `\nlargest unowned (${n}), B/conn: ${top.map(([k, v]) => `${k} ${(v / count).toFixed(0)}`).join('; ')}\n`,
    );
  }
}

if (process.argv[2] === 'child') void child();
else await main();
