/**
 * Shared plumbing of the integration suites: one loopback server and the clients of a test, closed
 * in `afterEach`. The waits on client events are in `wait.ts` (re-exported here).
 *
 * @module
 */
import { afterEach, beforeEach } from 'vitest';
import {
  createSseClient,
  type SseClient,
  type SseClientOptions,
  type SseError,
  type SseState,
} from '../../src/index.js';
import { type SseServer, startSseServer } from './sse-server.js';

// The waits live in wait.ts, written once; re-exported here for the suites that import the harness.
export {
  barrier,
  bytesReceived,
  nextError,
  nextEvents,
  nextOf,
  requestsTo,
  settle,
  socketsOpen,
  stateReached,
  until,
  waitForState,
} from './wait.js';

/** What {@link useServer} hands a suite. */
export interface Harness {
  /** The server of the current test (a fresh one per test). */
  readonly server: SseServer;
  /** A client tracked for `afterEach` cleanup, on `path` of the current server. */
  client(path: string, options?: SseClientOptions): SseClient;
  /** Clients created this test, for cleanup by hand. */
  readonly clients: readonly SseClient[];
}

/** Register `beforeEach`/`afterEach` hooks giving every test a fresh server, closed with its clients. */
export function useServer(): Harness {
  let server: SseServer | undefined;
  const clients: SseClient[] = [];
  beforeEach(async () => {
    server = await startSseServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
    server = undefined;
  });
  const harness: Harness = {
    get server() {
      if (server === undefined) throw new Error('harness: no server outside a test');
      return server;
    },
    client(path, options = {}) {
      const client = createSseClient(harness.server.url(path), options);
      clients.push(client);
      return client;
    },
    clients,
  };
  return harness;
}

/** Reconnect quickly and predictably: tests measure behaviour, not the default backoff. */
export const FAST_RECONNECT = { initialDelay: 5, jitter: 0 } as const;

/** Every state the client passes through, in order, from now on. */
export function recordStates(client: SseClient): SseState[] {
  const states: SseState[] = [];
  client.on('state', (state) => states.push(state));
  return states;
}

/** Every error the client reports, from now on. */
export function recordErrors(client: SseClient): SseError[] {
  const errors: SseError[] = [];
  client.on('error', (error) => errors.push(error));
  return errors;
}
