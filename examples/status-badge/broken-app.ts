/**
 * The status badge as it is often first written, and wrong: it goes `online` on `open` and only
 * leaves it on errors it expects (HTTP statuses, a dropped socket). A dead connection that a
 * heartbeat timeout detects keeps showing `online`. The generated suite catches it
 * (`test/examples/status-badge.test.ts`).
 *
 * @module
 */
import { BADGE_CLIENT_OPTIONS, type ClientExtras, type StatusBadge, seconds } from './app.js';
import { createSseClient } from './sse-client.js';
import { type BadgeView, renderBadge } from './view.js';

/**
 * The broken badge: same options, same view, listeners on `open` and `error` instead of `state`.
 *
 * @example
 * ```ts
 * const badge = createBrokenStatusBadge(url); // shows 'online' through a heartbeat timeout
 * ```
 */
export function createBrokenStatusBadge(url: string, extras: ClientExtras = {}): StatusBadge {
  const client = createSseClient(url, { ...BADGE_CLIENT_OPTIONS, ...extras });
  let view: BadgeView = { status: 'connecting', canRetry: false, events: [] };
  const listeners: ((view: BadgeView) => void)[] = [];
  const update = (change: Partial<BadgeView>): void => {
    view = { ...view, ...change };
    for (const listener of listeners) listener(view);
  };
  client.on('open', () => update({ status: 'online', canRetry: false }));
  client.on('state', (state, details) => {
    if (state === 'closed') update({ status: 'closed', canRetry: false });
    else if (state === 'failed')
      update({ status: `offline: ${details.error?.code ?? 'unknown'}`, canRetry: true });
    else if (state === 'connecting') {
      update({ status: details.attempt > 1 ? `reconnecting (attempt ${details.attempt})` : 'connecting' });
    } else if (
      state === 'reconnecting' &&
      (details.error?.status !== undefined || details.error?.code === 'NETWORK')
    ) {
      // The bug: only the failures the author thought of. Timeouts and a clean end keep 'online'.
      const wait = seconds(details.delay ?? 0);
      const status =
        details.reason === 'retry-after' ? `server busy, retrying in ${wait}` : `reconnecting in ${wait}`;
      update({ status, canRetry: true });
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
    retry: () => (client.state === 'failed' ? client.connect() : client.retry()),
    close: () => client.close(),
  };
}
