/**
 * `useSseClient(url)`: one `createSseClient` per mounted component and URL, closed on unmount.
 * The state is read with `useSyncExternalStore` over `client.on('state')`, so React never renders a
 * state the client is not in. StrictMode's extra mount in development creates a client, closes it
 * and creates another. The first is closed before its connect (a microtask away), so the server
 * sees one request.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import {
  createSseClient,
  type SseClient,
  type SseClientOptions,
  type SseEvent,
  type SseState,
} from 'sse-machine';

const noop = (): void => {};

/** What the hook gives a component. */
export interface SseView {
  readonly state: SseState;
  /** The events received so far (the latest `keep` of them). */
  readonly events: readonly SseEvent[];
  /** The client, for `retry()`, `metrics()` and the like; `null` before the first effect. */
  readonly client: SseClient | null;
}

export function useSseClient(url: string, options: SseClientOptions = {}, keep = 50): SseView {
  const [client, setClient] = useState<SseClient | null>(null);
  const [events, setEvents] = useState<readonly SseEvent[]>([]);

  // Options are read when the client is created (an inline object would reconnect on every
  // render); pass a new URL, or remount with a `key`, to start over.
  // biome-ignore lint/correctness/useExhaustiveDependencies: options are read once, see above
  useEffect(() => {
    const created = createSseClient(url, options);
    setClient(created);
    setEvents([]);
    const off = created.on('message', (event) => setEvents((list) => [...list.slice(-(keep - 1)), event]));
    return () => {
      off();
      created.close();
    };
  }, [url, keep]);

  const state = useSyncExternalStore(
    (notify) => (client === null ? noop : client.on('state', notify)),
    () => client?.state ?? 'idle',
  );
  return { state, events, client };
}
