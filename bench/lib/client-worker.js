/**
 * One contender per process: the parent forks this file with a contender name and sends it measurement
 * commands over IPC. Separate processes keep each library's JIT state, heap and globals (the browser
 * shims of fetch-event-source) away from the others, and make `process.cpuUsage` and memory figures
 * belong to that library alone.
 * @module
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Read system calls this process has made so far (Linux `/proc/self/io` `syscr`), or NaN elsewhere:
 * how many reads a stream took, whatever the library.
 */
function readCalls() {
  try {
    const match = /syscr: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Milliseconds on the monotonic clock. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** @param {string} what @param {number} ms @returns {Promise<never>} */
function deadline(what, ms) {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms).unref();
  });
}

function collect() {
  if (typeof globalThis.gc === 'function') {
    // Several passes: weak references and finalizers free more on the second and third.
    for (let i = 0; i < 3; i++) globalThis.gc();
  }
}

/** @param {import('./contenders.js').Contender} contender */
function commands(contender) {
  return {
    /**
     * Read one stream of `expected` messages, closing on the last (so no reconnection starts).
     * @param {{ url: string, expected: number }} args
     */
    async throughput({ url, expected }) {
      const { floorStats } = await import('./contenders.js');
      const chunksBefore = floorStats.chunks;
      const readsBefore = readCalls();
      const cpu = process.cpuUsage();
      const start = now();
      let count = 0;
      let chars = 0;
      /** @type {import('./contenders.js').Connection | undefined} */
      let connection;
      await Promise.race([
        new Promise((resolve) => {
          connection = contender.connect(
            url,
            {
              onOpen() {},
              onMessage(data) {
                count++;
                chars += data.length;
                if (count === expected) {
                  connection?.close();
                  resolve(undefined);
                }
              },
            },
            'once',
          );
        }),
        deadline(`${contender.name} throughput (${count} of ${expected} events)`, 300_000),
      ]);
      const ms = now() - start;
      const used = process.cpuUsage(cpu);
      const reads = readCalls() - readsBefore;
      const chunks = floorStats.chunks - chunksBefore;
      return {
        ms,
        cpuMs: (used.user + used.system) / 1000,
        events: count,
        chars,
        reads,
        ...(chunks > 0 ? { chunks } : {}),
      };
    },

    /**
     * `count` sequential fresh connections; for each, the time from creating the client to its first
     * message.
     * @param {{ url: string, count: number }} args
     */
    async firstEvent({ url, count }) {
      const samples = [];
      for (let i = 0; i < count; i++) {
        const start = now();
        /** @type {import('./contenders.js').Connection | undefined} */
        let connection;
        await Promise.race([
          new Promise((resolve) => {
            connection = contender.connect(
              url,
              {
                onOpen() {},
                onMessage() {
                  resolve(undefined);
                },
              },
              'once',
            );
          }),
          deadline(`${contender.name} first event`, 10_000),
        ]);
        samples.push(now() - start);
        connection?.close();
      }
      return samples;
    },

    /**
     * Open `count` connections to an idle stream and measure retained heap and RSS per connection,
     * against a baseline taken after a few warm-up connections (undici's lazily created agent and
     * the library's first-use allocations are not per-connection costs).
     * @param {{ url: string, count: number }} args
     */
    async idleMemory({ url, count }) {
      /** @param {number} n */
      const openMany = async (n) => {
        /** @type {import('./contenders.js').Connection[]} */
        const connections = [];
        const opened = [];
        for (let i = 0; i < n; i++) {
          opened.push(
            new Promise((resolve) => {
              connections.push(
                contender.connect(url, { onOpen: () => resolve(undefined), onMessage() {} }, 'once'),
              );
            }),
          );
        }
        await Promise.race([
          Promise.all(opened),
          deadline(`${contender.name} opening ${n} connections`, 60_000),
        ]);
        return connections;
      };
      for (const c of await openMany(10)) c.close();
      // Let aborted requests and their sockets wind down before the baseline.
      await new Promise((resolve) => setTimeout(resolve, 200));
      collect();
      const before = process.memoryUsage();
      const connections = await openMany(count);
      // Settle: the first comment of every stream has been read, buffers sized.
      await new Promise((resolve) => setTimeout(resolve, 500));
      collect();
      const after = process.memoryUsage();
      for (const c of connections) c.close();
      return {
        count,
        heapPerConnection: (after.heapUsed - before.heapUsed) / count,
        externalPerConnection:
          (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / count,
        rssPerConnection: (after.rss - before.rss) / count,
      };
    },

    /**
     * Stay connected through `reconnects` server-side closes; the server measures the gaps.
     * @param {{ url: string, reconnects: number }} args
     */
    async reconnect({ url, reconnects }) {
      let messages = 0;
      /** @type {import('./contenders.js').Connection | undefined} */
      let connection;
      await Promise.race([
        new Promise((resolve) => {
          connection = contender.connect(
            url,
            {
              onOpen() {},
              onMessage() {
                messages++;
                if (messages === reconnects + 1) {
                  connection?.close();
                  resolve(undefined);
                }
              },
            },
            'reconnect',
          );
        }),
        deadline(`${contender.name} reconnect (${messages} messages)`, 120_000),
      ]);
      return { messages };
    },
  };
}

async function work() {
  const { loadContender } = await import('./contenders.js');
  const name = process.argv[3] ?? '';
  const contender = await loadContender(name);
  if (!contender) {
    process.send?.({ ready: false });
    return;
  }
  const handlers = commands(contender);
  process.on('message', async (/** @type {{ id: number, cmd: string, args: never }} */ message) => {
    if (message.cmd === 'exit') process.exit(0);
    try {
      const command = /** @type {(args: unknown) => Promise<unknown>} */ (
        handlers[/** @type {keyof typeof handlers} */ (message.cmd)]
      );
      const result = await command(message.args);
      process.send?.({ id: message.id, result });
    } catch (error) {
      process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.send?.({ ready: true });
}

/**
 * @typedef {object} Worker
 * @property {string} name
 * @property {(cmd: string, args: object) => Promise<any>} call
 * @property {() => Promise<void>} stop
 */

/**
 * Fork a worker for one contender. Resolves `undefined` when the contender cannot be loaded (sse-machine's
 * client not built yet).
 * @param {string} name
 * @param {string[]} [extraExecArgv] more Node flags for the worker (e.g. `--cpu-prof`)
 * @returns {Promise<Worker | undefined>}
 */
export function startWorker(name, extraExecArgv = []) {
  const child = fork(fileURLToPath(import.meta.url), ['work', name], {
    execArgv: ['--expose-gc', ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  /** @type {Map<number, { resolve: (value: unknown) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  child.on('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error(`worker ${name} exited (${code})`));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on(
      'message',
      (/** @type {{ ready?: boolean, id?: number, result?: unknown, error?: string }} */ message) => {
        if (message.ready === false) {
          child.kill();
          resolve(undefined);
          return;
        }
        if (message.ready) {
          resolve({
            name,
            call(cmd, args) {
              const id = nextId++;
              return new Promise((done, fail) => {
                pending.set(id, { resolve: done, reject: fail });
                child.send({ id, cmd, args });
              });
            },
            async stop() {
              if (child.exitCode !== null) return;
              const exited = new Promise((done) => child.once('exit', done));
              child.send({ cmd: 'exit' });
              await exited;
            },
          });
          return;
        }
        if (message.id === undefined) return;
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.result);
      },
    );
  });
}

if (process.argv[2] === 'work' && process.send) void work();
