/**
 * One adapter per SSE client under test, all with the same shape: connect to a URL, report `open` and
 * each message's data, close. Every fetch-based peer is given undici's `fetch` (the same HTTP stack
 * sse-machine uses), so the figures compare the libraries, not two versions of undici.
 * @module
 */
import { fetch } from 'undici';
import { importBuilt } from './built-package.js';

/**
 * @typedef {object} Handlers
 * @property {() => void} onOpen the response was accepted
 * @property {(data: string) => void} onMessage a `message` event arrived
 */

/**
 * @typedef {object} Connection
 * @property {() => void} close
 */

/**
 * @typedef {'once' | 'reconnect'} Mode `once`: no reconnection wanted (the benchmark closes);
 *   `reconnect`: reconnect after the server's `retry:` delay with no backoff or jitter.
 */

/**
 * @typedef {object} Contender
 * @property {string} name
 * @property {string} packageName whose version the report shows
 * @property {(url: string, handlers: Handlers, mode: Mode) => Connection} connect
 */

/** @returns {Promise<Contender>} */
async function eventsource() {
  const { EventSource } = await import('eventsource');
  return {
    name: 'eventsource',
    packageName: 'eventsource',
    connect(url, handlers) {
      const source = new EventSource(url, { fetch });
      source.onopen = () => handlers.onOpen();
      source.onmessage = (event) => handlers.onMessage(event.data);
      return { close: () => source.close() };
    },
  };
}

/**
 * fetch-event-source is written for browsers: it reads `window.setTimeout` and calls
 * `document.removeEventListener` when it finishes, even with `openWhenHidden`. Minimal shims, installed
 * only in the worker process that runs this contender.
 */
function installBrowserShims() {
  const g = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (globalThis));
  g.window ??= globalThis;
  g.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} };
}

/** @returns {Promise<Contender>} */
async function fetchEventSource() {
  installBrowserShims();
  const { fetchEventSource: start } = await import('@microsoft/fetch-event-source');
  return {
    name: '@microsoft/fetch-event-source',
    packageName: '@microsoft/fetch-event-source',
    connect(url, handlers, mode) {
      const controller = new AbortController();
      start(url, {
        fetch: /** @type {typeof globalThis.fetch} */ (/** @type {unknown} */ (fetch)),
        signal: controller.signal,
        openWhenHidden: true,
        async onopen() {
          handlers.onOpen();
        },
        onmessage(event) {
          handlers.onMessage(event.data);
        },
        onclose() {
          // Its only way to reconnect after the server ends a stream: throw, and onerror's default
          // (undefined) makes it wait the server's `retry:` interval.
          if (mode === 'reconnect') throw new Error('server closed the stream');
        },
      }).catch(() => {});
      return { close: () => controller.abort() };
    },
  };
}

/** @returns {Promise<Contender>} */
async function eventsourceClient() {
  const { createEventSource } = await import('eventsource-client');
  return {
    name: 'eventsource-client',
    packageName: 'eventsource-client',
    connect(url, handlers) {
      const source = createEventSource({
        url,
        fetch: /** @type {typeof globalThis.fetch} */ (/** @type {unknown} */ (fetch)),
        onConnect: () => handlers.onOpen(),
        onMessage: (message) => handlers.onMessage(message.data),
      });
      return { close: () => source.close() };
    },
  };
}

/**
 * @param {boolean} inspected attach an inspector callback (measures the cost of XState inspection)
 * @returns {Promise<Contender | undefined>}
 */
async function sseMachine(inspected) {
  const entry = await importBuilt('index');
  const createSseClient = /** @type {((url: string, options: object) => any) | undefined} */ (
    entry?.createSseClient
  );
  if (typeof createSseClient !== 'function') return undefined;
  return {
    name: inspected ? 'sse-machine (inspected)' : 'sse-machine',
    packageName: 'sse-machine',
    connect(url, handlers, mode) {
      const client = createSseClient(url, {
        heartbeatTimeout: 0,
        reconnect: mode === 'reconnect' ? { strategy: 'fixed', jitter: 0 } : { strategy: 'none' },
        ...(inspected ? { inspect: () => {} } : {}),
      });
      client.on('open', () => handlers.onOpen());
      client.on('message', (/** @type {{ data: string }} */ event) => handlers.onMessage(event.data));
      return { close: () => client.close() };
    },
  };
}

/** Names accepted by {@link loadContender}, in report order. */
export const contenderNames = [
  'sse-machine',
  'eventsource',
  '@microsoft/fetch-event-source',
  'eventsource-client',
];

/**
 * @param {string} name one of {@link contenderNames} or `sse-machine (inspected)`
 * @returns {Promise<Contender | undefined>} undefined when sse-machine's client is not built yet
 */
export function loadContender(name) {
  switch (name) {
    case 'sse-machine':
      return sseMachine(false);
    case 'sse-machine (inspected)':
      return sseMachine(true);
    case 'eventsource':
      return eventsource();
    case '@microsoft/fetch-event-source':
      return fetchEventSource();
    case 'eventsource-client':
      return eventsourceClient();
    default:
      throw new Error(`unknown contender ${name}`);
  }
}
