/**
 * Shared pieces of the EventSource suites: waiting for a DOM event, and closing every source a test
 * created.
 *
 * @module
 */
import { afterEach } from 'vitest';
import { EventSource, type EventSourceInit } from '../../src/eventsource.js';
import { waitFor } from '../helpers/wait.js';

/** Fast, deterministic reconnection for tests (no jitter, a few ms). */
export const FAST: EventSourceInit = { reconnect: { initialDelay: 5, jitter: 0 } };

const open: EventSource[] = [];

/** Create a source that is closed after the test (`null` is passed on, as WebIDL allows it). */
export function source(url: string | URL, init: EventSourceInit | null = FAST): EventSource {
  const created = new EventSource(url, init);
  open.push(created);
  return created;
}

afterEach(() => {
  for (const created of open.splice(0)) created.close();
});

/** The next event of `type` on `target`, with the readyState it was dispatched in. */
export function next<E extends Event = MessageEvent<string>>(
  target: EventSource,
  type: string,
): Promise<{ event: E; readyState: number }> {
  return waitFor(
    `a '${type}' event on the EventSource`,
    (resolve) => {
      const listener = (event: Event): void => resolve({ event: event as E, readyState: target.readyState });
      target.addEventListener(type, listener, { once: true });
      return () => target.removeEventListener(type, listener);
    },
    () => `readyState is ${target.readyState}`,
  );
}
