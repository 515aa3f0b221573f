/**
 * Soak: `npm run soak -- --minutes 30`; soak.test.ts runs it by sample count in `npm test`
 * (`--samples 60`) and for 60 s in `npm run test:long`.
 *
 * A local server streams an event every 5 ms and ends the response every second (`--interval`), so
 * the client reconnects (with Last-Event-ID) for the whole run, after a warm-up of 150 short
 * connections. After every later reconnect the heap is measured after a full gc (one sample per
 * reconnect). The run lasts `--seconds` (or `--minutes`), or until `--samples` heap samples are in
 * (at most `--max-seconds`): a sample count, not a rate, so a loaded machine takes longer instead
 * of failing.
 *
 * Prints one JSON line with the figures (the test judges them, one `expect` per criterion). Run by
 * hand it also prints a verdict on stderr and exits 1 when a bound is broken: the least-squares slope
 * of retained heap per reconnect over `--slope-limit` (1 KB), an event out of order, a server socket
 * left open, a timer or socket left in `process.getActiveResourcesInfo()`, or fewer than
 * `--min-samples` heap samples (too few reconnects to judge the slope).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createSseClient } from '../../dist/index.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    seconds: { type: 'string' },
    samples: { type: 'string' },
    'max-seconds': { type: 'string', default: '120' },
    'min-samples': { type: 'string', default: '30' },
    // Short connections before the heap is judged (see WARMUP below).
    warmup: { type: 'string', default: '150' },
    'slope-limit': { type: 'string', default: '1024' },
    // Connection lifetime in ms: 1000 is "a reconnect every second"; CI uses 50 for more reconnects per minute.
    interval: { type: 'string', default: '1000' },
  },
});
const targetSamples = values.samples !== undefined ? Number(values.samples) : undefined;
const seconds =
  targetSamples !== undefined
    ? Number(values['max-seconds'])
    : values.seconds !== undefined
      ? Number(values.seconds)
      : Number(values.minutes ?? 1) * 60;
const slopeLimit = Number(values['slope-limit']);
const minSamples = Number(values['min-samples']);
const interval = Number(values.interval);
if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}

function resourceCounts() {
  const counts = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

const WARMUP = Number(values.warmup);
let connections = 0;
const sockets = new Set();
const server = createServer((req, res) => {
  const cursor = req.headers['last-event-id'];
  let next = cursor === undefined ? 0 : Number(cursor) + 1;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const tick = setInterval(() => {
    res.write(`id: ${next}\ndata: {"n":${next},"payload":"${'x'.repeat(64)}"}\n\n`);
    next++;
  }, 5);
  connections++;
  // Warm-up: short connections first, so JIT code, inline caches and pools settle before the
  // heap is judged (a 240 s run shows the heap plateau after about 100 reconnects).
  const end = setTimeout(() => res.end(), connections <= WARMUP ? 20 : interval);
  res.on('close', () => {
    clearInterval(tick);
    clearTimeout(end);
  });
});
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address();

globalThis.gc();
const baseline = resourceCounts();

const client = createSseClient(`http://127.0.0.1:${port}/soak`, {
  reconnect: { strategy: 'immediate', jitter: 0 },
  heartbeatTimeout: 5000,
});
let expected = 0;
let outOfOrder = 0;
client.on('message', (event) => {
  const n = Number(event.lastEventId);
  if (n !== expected) outOfOrder++;
  expected = n + 1;
});
const errors = {};
client.on('error', (error) => {
  errors[error.code] = (errors[error.code] ?? 0) + 1;
});

const samples = [];
let opens = 0;
let enoughSamples;
const sampled = new Promise((resolve) => {
  enoughSamples = resolve;
});
client.on('open', () => {
  opens++;
  if (opens <= WARMUP) return;
  // Measure outside the listener, once the event loop is idle enough for a full collection.
  setImmediate(() => {
    globalThis.gc();
    globalThis.gc();
    samples.push(process.memoryUsage().heapUsed);
    if (targetSamples !== undefined && samples.length >= targetSamples) enoughSamples();
  });
});

const started = Date.now();
let stopTimer;
await Promise.race([
  sampled,
  new Promise((resolve) => {
    stopTimer = setTimeout(resolve, seconds * 1000);
  }),
]);
clearTimeout(stopTimer);
const ranSeconds = (Date.now() - started) / 1000;
client.close();
server.close();
// The client's abort must close the connection by itself; give the close a bounded time to travel.
const deadline = Date.now() + 2000;
const leftovers = () =>
  Object.entries(resourceCounts()).filter(([name, count]) => count > (baseline[name] ?? 0));
while ((sockets.size > 0 || leftovers().length > 0) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Least-squares slope of heap against reconnect index. */
function slopeOf(values) {
  const count = values.length;
  const meanX = (count - 1) / 2;
  const meanY = values.reduce((sum, y) => sum + y, 0) / Math.max(1, count);
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
const n = samples.length;
const slope = slopeOf(samples);
const leaked = leftovers().map(([name, count]) => `${name} +${count - (baseline[name] ?? 0)}`);
const metrics = client.metrics();
const summary = {
  seconds: Math.round(ranSeconds * 10) / 10,
  interval,
  warmup: WARMUP,
  reconnects: metrics.reconnects,
  events: metrics.eventsReceived,
  outOfOrder,
  errors,
  heapSamples: n,
  heapFirstKB: Math.round((samples[0] ?? 0) / 1024),
  heapLastKB: Math.round((samples[n - 1] ?? 0) / 1024),
  ...(process.env.SOAK_VERBOSE ? { heapKB: samples.map((y) => Math.round(y / 1024)) } : {}),
  slopeBytesPerReconnect: Math.round(slope),
  slopeSecondHalfBytesPerReconnect: Math.round(slopeOf(samples.slice(Math.floor(n / 2)))),
  openServerSockets: sockets.size,
  leaked,
};
console.log(JSON.stringify(summary));
const broken = [
  n < minSamples && `${n} heap samples, fewer than the ${minSamples} needed to judge the slope`,
  slope > slopeLimit && `heap slope ${Math.round(slope)} B per reconnect, over ${slopeLimit}`,
  outOfOrder > 0 && `${outOfOrder} events out of order`,
  sockets.size > 0 && `${sockets.size} server sockets still open`,
  leaked.length > 0 && `leaked: ${leaked.join(', ')}`,
].filter(Boolean);
for (const line of broken) console.error(`soak: ${line}`);
process.exit(broken.length === 0 ? 0 : 1);
