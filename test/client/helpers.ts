/**
 * Waiting helpers for client tests: every wait resolves on a client event or a server fact,
 * never on a timer.
 *
 * @module
 */
import type { SseClient, SseClientEventMap, SseEvent } from '../../src/index.js';
import type { SseServer } from '../helpers/sse-server.js';

/** The next `count` values of one client event (or SSE event type), then unsubscribes. */
export function nextOf<K extends keyof SseClientEventMap>(
  client: SseClient,
  type: K,
  count?: number,
): Promise<SseClientEventMap[K][]>;
export function nextOf(client: SseClient, type: string, count?: number): Promise<SseEvent[]>;
export function nextOf(client: SseClient, type: string, count = 1): Promise<unknown[]> {
  return new Promise((resolve) => {
    const seen: unknown[] = [];
    const off = client.on(type, (value: SseEvent) => {
      seen.push(value);
      if (seen.length === count) {
        off();
        resolve(seen);
      }
    });
  });
}

/** Resolves when the client is in `state` (at once if it already is). */
export function stateReached(client: SseClient, state: SseClient['state']): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = client.on('state', (next) => {
      if (next === state) {
        off();
        resolve();
      }
    });
  });
}

/**
 * A request the test itself sends and sees answered: anything a client would have sent before it
 * has reached the server by then (same loopback, same event loop), so "no request arrived" can be
 * asserted without a sleep.
 */
export async function barrier(server: SseServer): Promise<void> {
  server.route('/__barrier', (request) => request.respond(204));
  const response = await fetch(server.url('/__barrier'));
  await response.arrayBuffer();
}

/** Requests the server received on `pathname`, routed and parked alike. */
export function requestsTo(server: SseServer, pathname: string): number {
  return server.received.filter((request) => request.pathname === pathname).length;
}
