/**
 * Shared set-up of the end-to-end suites: the server process and one worker process per contender.
 * @module
 */
import { startWorker } from './client-worker.js';
import { contenderNames } from './contenders.js';
import { startServer } from './server.js';

/** The peer every end-to-end ratio is taken against: the most used Node SSE client. */
export const referencePeer = 'eventsource';

/**
 * Start the server and the workers of `names`, run `body`, and stop everything even when it throws.
 * Contenders that cannot load (sse-machine before its client is built) are listed in `skipped`.
 * @template T
 * @param {readonly string[]} names
 * @param {(setup: { server: import('./server.js').BenchServer, workers: import('./client-worker.js').Worker[], skipped: string[] }) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withProcesses(names, body) {
  const server = await startServer();
  /** @type {import('./client-worker.js').Worker[]} */
  const workers = [];
  /** @type {string[]} */
  const skipped = [];
  try {
    for (const name of names) {
      const worker = await startWorker(name);
      if (worker) workers.push(worker);
      else skipped.push(name);
    }
    return await body({ server, workers, skipped });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server.stop();
  }
}

/** Every contender of the end-to-end suites. */
export const allContenders = contenderNames;

/**
 * A note for tables when sse-machine could not be measured.
 * @param {readonly string[]} skipped
 */
export function skippedNote(skipped) {
  return skipped.length === 0
    ? []
    : [
        `Not measured: ${skipped.join(', ')} (dist/index.js has no createSseClient yet: build the package first).`,
      ];
}
