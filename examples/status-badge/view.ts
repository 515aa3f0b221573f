/**
 * What the status badge shows, as data, and its HTML. Pure: Node renders it to a string, the
 * browser into the page.
 *
 * @module
 */

/** The badge's state: one line of status and the events received. */
export interface BadgeView {
  /** `online`, `reconnecting in 2 s`, `offline: NO_CONTENT`, … */
  readonly status: string;
  /** Whether the retry button is shown (the connection is waiting or has given up). */
  readonly canRetry: boolean;
  /** The data of every event received, oldest first. */
  readonly events: readonly string[];
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The badge as HTML: an `<output class="badge">`, a retry button when it applies, the event list.
 *
 * @example
 * ```ts
 * renderBadge({ status: 'online', canRetry: false, events: ['hello'] });
 * // '<output class="badge">online</output><ul class="events"><li>hello</li></ul>'
 * ```
 */
export function renderBadge(view: BadgeView): string {
  const retry = view.canRetry ? '<button class="retry" type="button">retry now</button>' : '';
  const items = view.events.map((data) => `<li>${escapeHtml(data)}</li>`).join('');
  return `<output class="badge">${escapeHtml(view.status)}</output>${retry}<ul class="events">${items}</ul>`;
}
