/**
 * Shared plumbing of the integration suites: one loopback server and the clients of a test, closed
 * in `afterEach`, and promise-based waits on client events (never timers).
 *
 * @module
 */
import { afterEach, beforeEach } from 'vitest';
import {
  createSseClient,
  type SseClient,
  type SseClientOptions,
  type SseError,
  type SseEvent,
  type SseState,
} from '../../src/index.js';
import { type SseServer, startSseServer } from './sse-server.js';

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

/** Resolves with the client's state once it is `state` (at once if it is already). */
export function waitForState(client: SseClient, state: SseState): Promise<SseState> {
  if (client.state === state) return Promise.resolve(state);
  return new Promise((resolve) => {
    const off = client.on('state', (next) => {
      if (next === state) {
        off();
        resolve(next);
      }
    });
  });
}

/** Resolves with the next error the client reports that satisfies `predicate`. */
export function nextError(client: SseClient, predicate: (error: SseError) => boolean = () => true) {
  return new Promise<SseError>((resolve) => {
    const off = client.on('error', (error) => {
      if (predicate(error)) {
        off();
        resolve(error);
      }
    });
  });
}

/** Resolves with the next `count` events of `type` (default `message`). */
export function nextEvents(client: SseClient, count: number, type = 'message'): Promise<SseEvent[]> {
  return new Promise((resolve) => {
    const seen: SseEvent[] = [];
    const off = client.on(type, (event: SseEvent) => {
      seen.push(event);
      if (seen.length === count) {
        off();
        resolve(seen);
      }
    });
  });
}

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

/** Resolves after `turns` turns of the event loop: lets pending I/O callbacks run, without a timer. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
