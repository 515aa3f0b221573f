/**
 * A status badge with an event list: what a dashboard shows of its live connection.
 *
 *   online · reconnecting in 2 s · server busy, retrying in 2 s · offline: NO_CONTENT · closed
 *
 * The app owns its client and its options; a test may add options (`clock`, `inspect`), which the
 * app forwards to `createSseClient` unchanged: that is all `sse-machine/testing` needs.
 *
 * @module
 */
import { createSseClient } from './sse-client.js';
import { type BadgeView, renderBadge } from './view.js';

/** Options a host (or a test) adds to the app's own client options. */
export type ClientExtras = NonNullable<Parameters<typeof createSseClient>[1]>;

/** The running badge. */
export interface StatusBadge {
  /** What the badge shows now. */
  readonly view: BadgeView;
  /** The badge as HTML. */
  html(): string;
  /** Call `listener` after every change of the view. */
  onChange(listener: (view: BadgeView) => void): void;
  /** The retry button: reconnect now (while waiting), or start again (after giving up). */
  retry(): void;
  /** Unmount: close the connection. */
  close(): void;
}

/** The app's own client options: a 15 s heartbeat, quick backoff, give up after 3 reconnects. */
export const BADGE_CLIENT_OPTIONS = {
  heartbeatTimeout: 15_000,
  reconnect: { initialDelay: 1000, maxDelay: 8000, maxAttempts: 3 },
} as const;

/** `1400` → `2 s`. */
export const seconds = (ms: number): string => `${Math.ceil(ms / 1000)} s`;

/**
 * Start the badge on the stream at `url`.
 *
 * @example
 * ```ts
 * const badge = createStatusBadge('https://example.com/events');
 * badge.onChange(() => console.log(badge.view.status));
 * ```
 */
export function createStatusBadge(url: string, extras: ClientExtras = {}): StatusBadge {
  const client = createSseClient(url, { ...BADGE_CLIENT_OPTIONS, ...extras });
  const listeners: ((view: BadgeView) => void)[] = [];
  let view: BadgeView = { status: 'starting', canRetry: false, events: [] };
  const update = (change: Partial<BadgeView>): void => {
    view = { ...view, ...change };
    for (const listener of listeners) listener(view);
  };
  client.on('state', (state, details) => {
    switch (state) {
      case 'idle':
        return update({ status: 'starting', canRetry: false });
      case 'connecting':
        return update({
          status: details.attempt > 1 ? `reconnecting (attempt ${details.attempt})` : 'connecting',
          canRetry: false,
        });
      case 'connected':
        return update({ status: 'online', canRetry: false });
      case 'reconnecting': {
        const wait = seconds(details.delay ?? 0);
        const status =
          details.reason === 'retry-after' ? `server busy, retrying in ${wait}` : `reconnecting in ${wait}`;
        return update({ status, canRetry: true });
      }
      case 'failed':
        return update({ status: `offline: ${details.error?.code ?? 'unknown'}`, canRetry: true });
      case 'closed':
        return update({ status: 'closed', canRetry: false });
    }
  });
  client.on('message', (event) => update({ events: [...view.events, event.data] }));
  return {
    get view() {
      return view;
    },
    html: () => renderBadge(view),
    onChange: (listener) => {
      listeners.push(listener);
    },
    retry: () => {
      if (client.state === 'failed') client.connect();
      else client.retry();
    },
    close: () => client.close(),
  };
}

/**
 * The badge in a page: renders into `root` and wires the retry button.
 *
 * @example
 * ```ts
 * mountStatusBadge(document.querySelector('#status')!, '/events');
 * ```
 */
export function mountStatusBadge(
  root: {
    innerHTML: string;
    addEventListener(type: 'click', listener: (event: { target: unknown }) => void): void;
  },
  url: string,
  extras: ClientExtras = {},
): StatusBadge {
  const badge = createStatusBadge(url, extras);
  const render = (): void => {
    root.innerHTML = badge.html();
  };
  badge.onChange(render);
  render();
  root.addEventListener('click', ({ target }) => {
    if ((target as { className?: string }).className === 'retry') badge.retry();
  });
  return badge;
}
