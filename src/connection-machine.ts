/**
 * The connection statechart wired to a real transport: `sseMachine.provide({ actors: { stream } })`.
 *
 * @module
 */
import { sseMachine } from '../machines/connection.machine.js';
import type { SseOptions } from './options.js';
import type { StreamOptions } from './transport/attempt.js';
import { createFetchTransport } from './transport/fetch.js';
import type { HttpTransport } from './transport/http.js';
import { createBoundStreamLogic, createStreamLogic } from './transport/stream-actor.js';

/**
 * {@link sseMachine} with the given transport as its `stream` actor. `stream` options carry what
 * cannot live in the machine's context: header functions, `shouldReconnect`, the data-plane sink.
 * For your own actor (a parent machine, a custom transport, a test double) instead of a client.
 *
 * @example
 * ```ts
 * const machine = createConnectionMachine(createFetchTransport(), {
 *   headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
 *   onEvent: (event) => console.log(event.data),
 * });
 * createActor(machine, { input: { url: 'https://example.com/events' } }).start().send({ type: 'CONNECT' });
 * ```
 */
export function createConnectionMachine(transport: HttpTransport, stream: StreamOptions = {}) {
  return sseMachine.provide({ actors: { stream: createStreamLogic(transport, stream) } });
}

/**
 * @internal One machine for every client of a platform: each client binds its transport and
 * callbacks to its actor; plain `createActor(machine)` users get `defaultTransport`.
 */
export function createSharedConnectionMachine(
  defaultTransport: () => HttpTransport,
  defaults: StreamOptions = {},
) {
  return sseMachine.provide({ actors: { stream: createBoundStreamLogic(defaultTransport, defaults) } });
}

/** @internal A platform's default transport, made on first use and shared by every client. */
export function lazyTransport(make: () => HttpTransport): () => HttpTransport {
  let transport: HttpTransport | undefined;
  return () => {
    transport ??= make();
    return transport;
  };
}

/** @internal The transport an options object asks for, given the platform default. */
export function pickTransport(options: SseOptions, platformDefault: () => HttpTransport): HttpTransport {
  return options.fetch === undefined ? platformDefault() : fetchTransportFor(options);
}

/** @internal The fetch transport of an options object (its `fetch`, its `credentials`). */
export function fetchTransportFor(options: SseOptions): HttpTransport {
  return createFetchTransport({
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}
