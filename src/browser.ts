/**
 * Entry `sse-machine` for browsers, Deno, Bun and workers (the `browser` export condition): the same
 * API as the Node entry over WHATWG `fetch`, without undici.
 *
 * @module
 */
import {
  createClient,
  type SseClient,
  type SseClientOptions,
  type SseEventTypes,
  type SseTypedClient,
  type SseTypedClientOptions,
} from './client.js';
import { createSharedConnectionMachine, fetchTransportFor, lazyTransport } from './connection-machine.js';
import { createFetchTransport } from './transport/fetch.js';

const fetchDefault = lazyTransport(() => createFetchTransport());

/**
 * {@link sseMachine} wired to the fetch transport. Events are emitted as `sse.event`
 * (`actor.on('sse.event', ...)`).
 *
 * @example
 * ```ts
 * const actor = createActor(connectionMachine, { input: { url: '/events' } });
 * actor.on('sse.event', ({ event }) => render(JSON.parse(event.data)));
 * actor.start().send({ type: 'CONNECT' });
 * ```
 */
export const connectionMachine = createSharedConnectionMachine(fetchDefault);

/**
 * Connect to a Server-Sent Events stream over `fetch`.
 *
 * @example
 * ```ts
 * const client = createSseClient('/events');
 * client.on('message', (event) => render(JSON.parse(event.data)));
 * ```
 */
export function createSseClient<E extends SseEventTypes>(
  url: string | URL,
  options: SseTypedClientOptions<E>,
): SseTypedClient<E>;
/** Connect without `parse`: events are delivered as the parser produced them. */
export function createSseClient(url: string | URL, options?: SseClientOptions): SseClient;
export function createSseClient(url: string | URL, options: SseClientOptions = {}): SseClient {
  rejectNodeOnlyOptions(options);
  return createClient(url, options, {
    machine: connectionMachine,
    transport: (opts) =>
      opts.fetch === undefined && opts.credentials === undefined ? fetchDefault() : fetchTransportFor(opts),
  });
}

// `proxy`, `noProxy` and `tls` choose an undici dispatcher, which this build does not have; ignoring
// them would connect directly, or without the CA the caller meant to pin. `http2` is harmless here:
// the platform's fetch negotiates HTTP/2 and shares connections on its own.
function rejectNodeOnlyOptions(options: SseClientOptions): void {
  for (const name of ['proxy', 'noProxy', 'tls'] as const) {
    const value = options[name];
    if (value === undefined || (name === 'proxy' && value === false)) continue;
    throw new TypeError(`sse-machine: ${name} needs the Node build; here pass a fetch configured for it`);
  }
}

/**
 * @internal Whether this build's default transport honours `credentials` (fetch: yes). The
 * `EventSource` maps `withCredentials` to `credentials: 'include'` where it does.
 */
export const DEFAULT_TRANSPORT_HAS_CREDENTIALS = true;

export * from './public-api.js';
