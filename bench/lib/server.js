/**
 * The event-stream server of the end-to-end benchmarks, in its own process (child_process.fork), so its
 * work does not count against the client being measured and its timings use its own clock.
 *
 * Routes (GET, all `text/event-stream`):
 * - `/stream?n=N&kind=small|json` N events with ids, written as fast as the socket drains, then the end.
 * - `/first` one event at once (in the same write as the headers), then the stream stays open.
 * - `/idle?interval=ms` a comment at once, then stays open; one shared timer writes a keep-alive
 *   comment to every idle stream each `interval` ms.
 * - `/close-after?n=N&retry=ms&session=S` `retry:` plus N events, then the server ends the response.
 *   The gap from that end to the next request of the same session is recorded (reconnect latency).
 *
 * The parent talks to it over IPC: see {@link startServer}.
 * @module
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const SMALL_DATA = 'abcdefghijklmnopqrstuvwxyz012345'; // 32 bytes

/** ~1 KB of JSON (ASCII plus a few multi-byte characters, as real feeds carry). @param {number} i */
function jsonData(i) {
  return JSON.stringify({
    id: i,
    type: 'order.updated',
    customer: { name: 'Zoë Ångström', city: 'Kraków' },
    currency: '€',
    items: Array.from({ length: 8 }, (_, k) => ({
      sku: `SKU-${i * 8 + k}`,
      qty: (i + k) % 17,
      price: 19.99 + k,
    })),
    note: 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore',
    pad: 'x'.repeat(420),
    ts: 1_700_000_000_000 + i,
  });
}

/** The same ~1 KB of JSON with every character ASCII. @param {number} i */
function asciiJsonData(i) {
  return jsonData(i).replace('Zoë Ångström', 'Zoe Angstrom').replace('Kraków', 'Krakow').replace('€', 'EUR');
}

/** One LLM-style token event, ~60 bytes on the wire. */
const TOKEN_EVENT = Buffer.from('data: {"choices":[{"delta":{"content":"tok"}}]}\n\n', 'utf8');

/**
 * The whole body of a `/stream`, encoded once and reused by every round, so the server's cost per round
 * is only the socket writes.
 * @type {Map<string, Buffer>}
 */
const bodies = new Map();

/** @param {'small' | 'json' | 'json-ascii'} kind @param {number} count */
function streamBody(kind, count) {
  const key = `${kind}:${count}`;
  let body = bodies.get(key);
  if (!body) {
    /** @type {Buffer[]} */
    const parts = [];
    for (let start = 0; start < count; start += 1000) {
      let text = '';
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const data = kind === 'small' ? SMALL_DATA : kind === 'json' ? jsonData(i) : asciiJsonData(i);
        text += `id: ${i}\ndata: ${data}\n\n`;
      }
      parts.push(Buffer.from(text, 'utf8'));
    }
    body = Buffer.concat(parts);
    bodies.set(key, body);
  }
  return body;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };

/** Milliseconds on this process's monotonic clock. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Write a buffer in 64 KB slices, waiting for `drain` whenever the socket's buffer is full.
 * @param {http.ServerResponse} res
 * @param {Buffer} body
 */
async function writeAll(res, body) {
  const slice = 64 * 1024;
  for (let at = 0; at < body.length && !res.destroyed; at += slice) {
    if (!res.write(body.subarray(at, at + slice))) {
      await new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve(undefined);
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
}

/**
 * @param {http.ServerResponse} res
 * @param {number} count
 * @param {number} gap ms between writes; 0: setImmediate
 */
async function writeTokens(res, count, gap) {
  const pause =
    gap > 0
      ? () => new Promise((resolve) => setTimeout(resolve, gap))
      : () => new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < count && !res.destroyed; i++) {
    if (!res.write(TOKEN_EVENT)) {
      await new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve(undefined);
        };
        res.on('drain', done);
        res.on('close', done);
      });
    } else await pause();
  }
}

function serve() {
  /** @type {Set<http.ServerResponse>} */
  const idle = new Set();
  let idleOpened = 0;
  /** @type {Map<string, { endedAt: number | undefined, gaps: number[], requests: number }>} */
  const sessions = new Map();
  /** @type {NodeJS.Timeout | undefined} */
  let keepAliveTimer;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bench');
    const arrivedAt = now();
    const q = url.searchParams;
    switch (url.pathname) {
      case '/stream': {
        const k = q.get('kind');
        const kind = k === 'json' || k === 'json-ascii' ? k : 'small';
        const body = streamBody(kind, Number(q.get('n') ?? '1000'));
        res.writeHead(200, SSE_HEADERS);
        void writeAll(res, body).then(() => res.end());
        return;
      }
      case '/tokens': {
        // One ~60-byte event per write, Nagle off: each event leaves in its own TCP segment. `gap=0`
        // (default) yields to the event loop between writes (setImmediate); `gap=ms` waits that long.
        res.socket?.setNoDelay(true);
        res.writeHead(200, SSE_HEADERS);
        void writeTokens(res, Number(q.get('n') ?? '1000'), Number(q.get('gap') ?? '0')).then(() =>
          res.end(),
        );
        return;
      }
      case '/first': {
        res.writeHead(200, SSE_HEADERS);
        res.write('id: 1\ndata: first\n\n');
        return;
      }
      case '/idle': {
        res.writeHead(200, SSE_HEADERS);
        res.write(': open\n\n');
        idle.add(res);
        idleOpened++;
        res.on('close', () => idle.delete(res));
        const interval = Number(q.get('interval') ?? '15000');
        keepAliveTimer ??= setInterval(() => {
          for (const stream of idle) stream.write(': keep-alive\n\n');
        }, interval);
        return;
      }
      case '/close-after': {
        const key = q.get('session') ?? '';
        let session = sessions.get(key);
        if (!session) {
          session = { endedAt: undefined, gaps: [], requests: 0 };
          sessions.set(key, session);
        }
        session.requests++;
        if (session.endedAt !== undefined) session.gaps.push(arrivedAt - session.endedAt);
        const count = Number(q.get('n') ?? '1');
        // `retry:` rides in the first event's block: a block of its own would be dispatched as an empty
        // message by fetch-event-source, which does not skip data-less blocks.
        let text = `retry: ${Number(q.get('retry') ?? '0')}\n`;
        for (let i = 0; i < count; i++) text += `id: ${session.requests}-${i}\ndata: x\n\n`;
        res.writeHead(200, SSE_HEADERS);
        // Stamped before the write: an upper bound on what the client adds, never a negative gap.
        session.endedAt = now();
        res.end(text);
        return;
      }
      default:
        res.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 60_000;

  process.on('message', (/** @type {{ id: number, cmd: string, session?: string }} */ message) => {
    /** @type {unknown} */
    let reply;
    switch (message.cmd) {
      case 'stats':
        reply = { idle: idle.size, idleOpened };
        break;
      case 'session':
        reply = sessions.get(message.session ?? '') ?? { gaps: [], requests: 0 };
        break;
      case 'prepare':
        streamBody(
          /** @type {'small' | 'json' | 'json-ascii'} */ (/** @type {{ kind: string }} */ (message).kind),
          /** @type {{ n: number }} */ (message).n,
        );
        reply = true;
        break;
      case 'stop':
        clearInterval(keepAliveTimer);
        for (const stream of idle) stream.destroy();
        server.closeAllConnections();
        server.close(() => process.exit(0));
        reply = true;
        break;
      default:
        reply = { error: `unknown command ${message.cmd}` };
    }
    process.send?.({ id: message.id, reply });
  });

  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.send?.({ listening: address.port });
  });
}

/**
 * @typedef {object} BenchServer
 * @property {string} origin `http://127.0.0.1:<port>`
 * @property {(cmd: string, args?: Record<string, unknown>) => Promise<any>} call an IPC command
 * @property {() => Promise<void>} stop
 */

/**
 * Fork the server process and wait until it listens.
 * @returns {Promise<BenchServer>}
 */
export function startServer() {
  const child = fork(fileURLToPath(import.meta.url), ['serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  /** @type {Map<number, (reply: unknown) => void>} */
  const pending = new Map();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
    child.on('message', (/** @type {{ listening?: number, id?: number, reply?: unknown }} */ message) => {
      if (message.listening !== undefined) {
        resolve({
          origin: `http://127.0.0.1:${message.listening}`,
          call(cmd, args = {}) {
            const id = nextId++;
            return new Promise((done) => {
              pending.set(id, done);
              child.send({ id, cmd, ...args });
            });
          },
          async stop() {
            const exited = new Promise((done) => child.once('exit', done));
            child.send({ id: nextId++, cmd: 'stop' });
            await exited;
          },
        });
        return;
      }
      if (message.id !== undefined) {
        pending.get(message.id)?.(message.reply);
        pending.delete(message.id);
      }
    });
  });
}

if (process.argv[2] === 'serve' && process.send) serve();
