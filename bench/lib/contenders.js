/**
 * One adapter per SSE client under test, all with the same shape: connect to a URL, report `open` and
 * each message's data, close. Every fetch-based peer is given undici's `fetch` (the same HTTP stack
 * sse-machine uses), so the figures compare the libraries, not two versions of undici.
 * @module
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
 * Builds of sse-machine other than this checkout's, from `SSE_BENCH_BASELINE=label=path[,label=path]`:
 * each path is a checkout (or worktree) with a built `dist/`, e.g. `before=../wt-base`. Each becomes a
 * contender named `sse-machine@<label>`, measured in the same interleaved run as this checkout's build.
 * @returns {Map<string, string>} contender name → path of its dist/index.js
 */
export function baselineBuilds() {
  /** @type {Map<string, string>} */
  const builds = new Map();
  for (const entry of (process.env.SSE_BENCH_BASELINE ?? '').split(',').filter(Boolean)) {
    const [label, dir] = entry.includes('=') ? entry.split('=') : ['baseline', entry];
    const resolved = path.resolve(/** @type {string} */ (dir));
    const file = resolved.endsWith('.js') ? resolved : path.join(resolved, 'dist', 'index.js');
    builds.set(`sse-machine@${label}`, file);
  }
  return builds;
}

/**
 * sse-machine with its **default options** (what a user gets from `createSseClient(url)`); only the
 * `reconnect` mode pins the reconnection policy to the server's `retry:` (fixed, no jitter), as the
 * peers do.
 * @param {string} name
 * @param {{ inspected?: boolean, file?: string }} how `file`: another build's dist/index.js
 * @returns {Promise<Contender | undefined>}
 */
async function sseMachine(name, { inspected = false, file } = {}) {
  const entry = file ? await import(pathToFileURL(file).href) : await importBuilt('index');
  const createSseClient = /** @type {((url: string, options?: object) => any) | undefined} */ (
    entry?.createSseClient
  );
  if (typeof createSseClient !== 'function') return undefined;
  return {
    name,
    packageName: 'sse-machine',
    connect(url, handlers, mode) {
      /** @type {Record<string, unknown>} */
      const options = {};
      if (mode === 'reconnect') options.reconnect = { strategy: 'fixed', jitter: 0 };
      if (inspected) options.inspect = () => {};
      const client = createSseClient(url, options);
      client.on('open', () => handlers.onOpen());
      client.on('message', (/** @type {{ data: string }} */ event) => handlers.onMessage(event.data));
      return { close: () => client.close() };
    },
  };
}

/**
 * launchdarkly-eventsource 2 (a fork of eventsource 1 on node:http, with backoff and jitter). Its own
 * HTTP stack: it cannot be given undici.
 * @returns {Promise<Contender>}
 */
async function launchdarkly() {
  const { EventSource } =
    /** @type {any} */ (await import('launchdarkly-eventsource')).default ??
    (await import('launchdarkly-eventsource'));
  return {
    name: 'launchdarkly-eventsource',
    packageName: 'launchdarkly-eventsource',
    connect(url, handlers) {
      // No backoff or jitter configured: it waits the server's `retry:` (default 1 s).
      const source = new EventSource(url, {});
      source.onopen = () => handlers.onOpen();
      source.onmessage = (/** @type {{ data: string }} */ event) => handlers.onMessage(event.data);
      source.onerror = () => {};
      return { close: () => source.close() };
    },
  };
}

/** Network chunks the floor has read in this process (how many events arrive per read). */
export const floorStats = { chunks: 0 };

/**
 * The floor: a bare `undici.request` loop that only counts events (each `\n\n`, across chunk
 * boundaries) and reports each with an empty string. No parsing, no decoding, no reconnection logic
 * beyond re-requesting after the `retry` query parameter of the URL.
 * @returns {Promise<Contender>}
 */
async function undiciFloor() {
  const { request } = await import('undici');
  return {
    name: 'undici',
    packageName: 'undici',
    connect(url, handlers, mode) {
      let closed = false;
      /** @type {AbortController} */
      let controller;
      const retry = Number(new URL(url).searchParams.get('retry') ?? '0');
      const attempt = async () => {
        controller = new AbortController();
        try {
          const { body } = await request(url, { signal: controller.signal });
          handlers.onOpen();
          let last = 0;
          for await (const chunk of body) {
            const bytes = /** @type {Buffer} */ (chunk);
            floorStats.chunks++;
            if (last === 10 && bytes[0] === 10) handlers.onMessage('');
            let at = bytes.indexOf(10);
            while (at !== -1) {
              if (bytes[at + 1] === 10) {
                handlers.onMessage('');
                at = bytes.indexOf(10, at + 2);
              } else at = bytes.indexOf(10, at + 1);
              if (closed) return;
            }
            last = /** @type {number} */ (bytes[bytes.length - 1]);
          }
        } catch {
          // aborted by close(), or the server went away
        }
        if (!closed && mode === 'reconnect') setTimeout(attempt, retry);
      };
      void attempt();
      return {
        close: () => {
          closed = true;
          controller.abort();
        },
      };
    },
  };
}

/** Names accepted by {@link loadContender}, in report order. */
export const contenderNames = [
  'sse-machine',
  ...baselineBuilds().keys(),
  'eventsource',
  '@microsoft/fetch-event-source',
  'eventsource-client',
  'launchdarkly-eventsource',
  'undici',
];

/**
 * @param {string} name one of {@link contenderNames} or `sse-machine (inspected)`
 * @returns {Promise<Contender | undefined>} undefined when sse-machine's client is not built yet
 */
export function loadContender(name) {
  switch (name) {
    case 'sse-machine':
      return sseMachine(name);
    case 'sse-machine (inspected)':
      return sseMachine(name, { inspected: true });
    case 'launchdarkly-eventsource':
      return launchdarkly();
    case 'undici':
      return undiciFloor();
    case 'eventsource':
      return eventsource();
    case '@microsoft/fetch-event-source':
      return fetchEventSource();
    case 'eventsource-client':
      return eventsourceClient();
    default: {
      const file = baselineBuilds().get(name);
      if (file) return sseMachine(name, { file });
      throw new Error(`unknown contender ${name}`);
    }
  }
}
