/**
 * A small program written against the `eventsource` npm package's API (v4): it connects, logs every
 * readyState, event, lastEventId and error of a scripted session, and closes. It uses nothing but
 * the WHATWG surface (no init dictionary), so the class is the only thing that changes between
 * `import { EventSource } from 'eventsource'` and `import { EventSource } from 'sse-machine/eventsource'`:
 * {@link runSession} takes the imported class and is otherwise the same code for both.
 *
 * @module
 */

/** The part of the WHATWG `EventSource` the program uses; both implementations satisfy it. */
export interface EventSourceLike extends EventTarget {
  readonly url: string;
  readonly readyState: number;
  onopen: ((event: Event) => unknown) | null;
  onmessage: ((event: MessageEvent) => unknown) | null;
  onerror: ((event: Event) => unknown) | null;
  close(): void;
}

/** What an `import { EventSource } from '...'` provides. */
export interface EventSourceClass {
  new (url: string): EventSourceLike;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSED: number;
}

/**
 * Run the session against `url` and resolve with its log once the server refused a reconnection
 * (204: error with CLOSED) and the program closed the source.
 */
export function runSession(EventSource: EventSourceClass, url: string): Promise<string[]> {
  const log: string[] = [];
  const es = new EventSource(url);
  const state = (): string => ['CONNECTING', 'OPEN', 'CLOSED'][es.readyState] ?? String(es.readyState);
  log.push(`new ${es.url} ${state()}`);

  const message = (event: MessageEvent): void => {
    log.push(
      `${event.type} data=${JSON.stringify(event.data)} lastEventId=${JSON.stringify(event.lastEventId)} origin=${event.origin} ${state()}`,
    );
  };
  es.onopen = () => log.push(`open ${state()}`);
  es.onmessage = message;
  es.addEventListener('greeting', (event) => message(event as MessageEvent));

  return new Promise((resolve) => {
    es.onerror = (event) => {
      // Both classes expose the HTTP status of a failed response as `code`.
      const code = (event as Event & { code?: number }).code;
      log.push(`error code=${String(code)} ${state()}`);
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        log.push(`closed ${state()}`);
        resolve(log);
      }
    };
  });
}
