/**
 * Entry `sse-machine` (Node): the client, the machine wired to undici, the parser, the errors.
 * Browsers get `browser.ts` through the `browser` export condition: the same API over `fetch`.
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
import { createSharedConnectionMachine, lazyTransport, pickTransport } from './connection-machine.js';
import type { SseOptions } from './options.js';
import { createNodeDecoder } from './parser/node-decoder.js';
import { selectDispatcher } from './transport/dispatcher.js';
import type { HttpTransport } from './transport/http.js';
import { createUndiciTransport } from './transport/undici.js';

const undiciDefault = lazyTransport(() => createUndiciTransport());

/**
 * {@link sseMachine} wired to the undici transport. Events are emitted as `sse.event`
 * (`actor.on('sse.event', ...)`).
 *
 * @example
 * ```ts
 * const actor = createActor(connectionMachine, { input: { url: 'https://example.com/events' } });
 * actor.on('sse.event', ({ event }) => console.log(event.data));
 * actor.start().send({ type: 'CONNECT' });
 * ```
 */
export const connectionMachine = createSharedConnectionMachine(undiciDefault, {
  createDecoder: createNodeDecoder,
});

/**
 * Connect to a Server-Sent Events stream. It connects at once (unless `autoConnect: false`),
 * reconnects with backoff and `Last-Event-ID`, and detects dead connections.
 *
 * @example
 * ```ts
 * const client = createSseClient('https://example.com/events', { heartbeatTimeout: 30_000 });
 * client.on('message', (event) => console.log(event.data));
 * client.on('error', (error) => console.warn(error.code, error.message));
 * ```
 */
export function createSseClient<E extends SseEventTypes>(
  url: string | URL,
  options: SseTypedClientOptions<E>,
): SseTypedClient<E>;
/** Connect without `parse`: events are delivered as the parser produced them. */
export function createSseClient(url: string | URL, options?: SseClientOptions): SseClient;
export function createSseClient(url: string | URL, options: SseClientOptions = {}): SseClient {
  if (options.credentials === 'include' && options.fetch === undefined) {
    // Ignoring it would look like a browser whose cookies the server never receives.
    throw new TypeError(
      "sse-machine: credentials: 'include' needs a cookie jar, which the Node build's undici transport does not have: send the cookie in headers (headers: { cookie }), or pass a fetch that keeps cookies",
    );
  }
  return createClient(url, options, {
    machine: connectionMachine,
    createDecoder: createNodeDecoder,
    transport: (opts) => pickTransport(opts, () => nodeTransport(opts)),
  });
}

// The one place the Node build turns connection options into a dispatcher.
function nodeTransport(opts: SseOptions): HttpTransport {
  if (opts.dispatcher !== undefined) {
    for (const name of ['proxy', 'noProxy', 'tls', 'http2'] as const) {
      if (opts[name] !== undefined) {
        throw new TypeError(
          `sse-machine: ${name} and dispatcher cannot be combined: a dispatcher replaces them (configure it on the dispatcher)`,
        );
      }
    }
  }
  const dispatcher = opts.dispatcher ?? selectDispatcher(opts);
  return dispatcher === undefined && opts.maxRedirects === undefined && opts.compression === undefined
    ? undiciDefault()
    : createUndiciTransport({
        ...(dispatcher === undefined ? {} : { dispatcher }),
        ...(opts.maxRedirects === undefined ? {} : { maxRedirects: opts.maxRedirects }),
        ...(opts.compression === undefined ? {} : { compression: opts.compression }),
      });
}

/**
 * @internal Whether this build's default transport honours `credentials` (undici: no cookie jar).
 * The `EventSource` maps `withCredentials` to `credentials: 'include'` only where it does.
 */
export const DEFAULT_TRANSPORT_HAS_CREDENTIALS = false;

export * from './public-api.js';
export {
  type ConnectionOptions,
  HTTP2_STREAMS_PER_CONNECTION,
  type ProxyOption,
  type TlsOptions,
} from './transport/dispatcher.js';
export {
  createUndiciTransport,
  DEFAULT_AGENT_OPTIONS,
  DEFAULT_MAX_REDIRECTS,
  type UndiciTransportOptions,
} from './transport/undici.js';
