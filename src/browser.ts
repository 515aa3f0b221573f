/**
 * Entry `sse-machine` for browsers, Deno, Bun and workers (the `browser` export condition): the same
 * API as the Node entry over WHATWG `fetch`, without undici.
 *
 * @module
 */
import { createClient, type SseClient, type SseClientOptions } from './client.js';
import { createConnectionMachine } from './connection-machine.js';
import { createFetchTransport } from './transport/fetch.js';

/** {@link sseMachine} wired to the fetch transport. Events are emitted as `sse.event`. */
export const connectionMachine = createConnectionMachine(createFetchTransport());

/**
 * Connect to a Server-Sent Events stream over `fetch`.
 *
 * @example
 * ```ts
 * const client = createSseClient('/events');
 * client.on('message', (event) => render(JSON.parse(event.data)));
 * ```
 */
export function createSseClient(url: string | URL, options: SseClientOptions = {}): SseClient {
  return createClient(url, options, (opts, stream) =>
    createConnectionMachine(createFetchTransport({ fetch: opts.fetch }), stream),
  );
}

export * from './public-api.js';
