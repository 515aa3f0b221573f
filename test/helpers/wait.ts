/**
 * The one set of waiting helpers of the suite. Every wait resolves on an event (a client event, a
 * server fact, a turn of the event loop), never on a timer; the only timer is a deadline that turns
 * a wait that never ends into a failure saying what was awaited and what was seen instead.
 *
 * Client timers are driven by a `SimulatedClock` (see `clock.ts`); the deadline below is real time
 * because sockets are.
 *
 * @module
 */
import type { SseClient, SseClientEventMap, SseError, SseEvent, SseState } from '../../src/index.js';
import type { SseServer } from './sse-server.js';

/**
 * How long a wait may take before it fails, in real milliseconds: well under vitest's 30 s test
 * timeout, so the failure is ours (with a message) rather than a bare "test timed out".
 */
export const WAIT_TIMEOUT = Number(process.env.SSE_MACHINE_WAIT_TIMEOUT ?? 10_000);

/** Options of every wait. */
export interface WaitOptions {
  /** Real milliseconds before the wait fails. @defaultValue {@link WAIT_TIMEOUT} */
  timeout?: number;
}

/**
 * The core of every wait: `start(resolve)` subscribes and returns its unsubscribe; the promise
 * rejects after `timeout` with "waited N ms for <what>; <seen()>".
 */
export function waitFor<T>(
  what: string,
  start: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void,
  seen: () => string,
  options: WaitOptions = {},
): Promise<T> {
  const timeout = options.timeout ?? WAIT_TIMEOUT;
  return new Promise<T>((resolve, reject) => {
    let stop: (() => void) | undefined;
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(deadline);
      // At once, so that nothing more is recorded after the value was handed out; start() may
      // settle synchronously, before `stop` is assigned: then it is called right after start().
      stop?.();
      return true;
    };
    const deadline = setTimeout(() => {
      if (finish()) reject(new Error(`waited ${timeout} ms for ${what}; ${seen()}`));
    }, timeout);
    deadline.unref?.();
    stop = start(
      (value) => finish() && resolve(value),
      (error) => finish() && reject(error),
    );
    if (settled) stop();
  });
}

/** Resolves (or rejects) as `promise` does; fails after the deadline naming `what`. */
export function within<T>(promise: Promise<T>, what: string, options: WaitOptions = {}): Promise<T> {
  return waitFor<T>(
    what,
    (resolve, reject) => {
      promise.then(resolve, reject);
      return () => undefined;
    },
    () => 'it never settled',
    options,
  );
}

/** Resolves with the client's state once it is `state` (at once if it already is). */
export function waitForState(client: SseClient, state: SseState, options?: WaitOptions): Promise<SseState> {
  const seen: SseState[] = [];
  return waitFor<SseState>(
    `client state '${state}'`,
    (resolve) => {
      if (client.state === state) {
        resolve(state);
        return () => undefined;
      }
      return client.on('state', (next) => {
        seen.push(next);
        if (next === state) resolve(next);
      });
    },
    () => `it is '${client.state}' (states since the wait began: [${seen.join(', ')}])`,
    options,
  );
}

/** {@link waitForState} resolving to nothing: the name the client suites use. */
export async function stateReached(client: SseClient, state: SseState, options?: WaitOptions): Promise<void> {
  await waitForState(client, state, options);
}

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${(value as SseError).code ?? value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null && 'data' in value) {
    const event = value as SseEvent;
    return JSON.stringify({ type: event.type, data: event.data.slice(0, 80), id: event.lastEventId });
  }
  return JSON.stringify(value);
}

/** The next `count` values of one client event (or SSE event type), then unsubscribes. */
export function nextOf<K extends keyof SseClientEventMap>(
  client: SseClient,
  type: K,
  count?: number,
  options?: WaitOptions,
): Promise<SseClientEventMap[K][]>;
export function nextOf(
  client: SseClient,
  type: string,
  count?: number,
  options?: WaitOptions,
): Promise<SseEvent[]>;
export function nextOf(
  client: SseClient,
  type: string,
  count = 1,
  options?: WaitOptions,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  return waitFor<unknown[]>(
    `${count} '${type}' value(s)`,
    (resolve) =>
      client.on(type, (value: SseEvent) => {
        seen.push(value);
        if (seen.length === count) resolve(seen);
      }),
    () =>
      `got ${seen.length}: [${seen.map(describeValue).join(', ')}]; client state '${client.state}', last error ${describeValue(client.metrics().lastError ?? null)}`,
    options,
  );
}

/** Resolves with the next `count` events of `type` (default `message`). */
export function nextEvents(
  client: SseClient,
  count: number,
  type = 'message',
  options?: WaitOptions,
): Promise<SseEvent[]> {
  return nextOf(client, type, count, options);
}

/** Resolves with the next error the client reports that satisfies `predicate`. */
export function nextError(
  client: SseClient,
  predicate: (error: SseError) => boolean = () => true,
  options?: WaitOptions,
): Promise<SseError> {
  const seen: SseError[] = [];
  return waitFor<SseError>(
    predicate.name === 'predicate' || predicate.name === '' ? 'an error' : `an error (${predicate.name})`,
    (resolve) =>
      client.on('error', (error) => {
        seen.push(error);
        if (predicate(error)) resolve(error);
      }),
    () => `errors seen: [${seen.map(describeValue).join(', ')}]; client state '${client.state}'`,
    options,
  );
}

/** Resolves once `condition()` holds, checking it on every turn of the event loop (no timer). */
export function until(
  what: string,
  condition: () => boolean,
  seen: () => string,
  options?: WaitOptions,
): Promise<void> {
  return waitFor<void>(
    what,
    (resolve) => {
      let live = true;
      const check = (): void => {
        if (!live) return;
        if (condition()) resolve();
        else setImmediate(check);
      };
      check();
      return () => {
        live = false;
      };
    },
    seen,
    options,
  );
}

/** Resolves once the client has received `total` bytes in all (a chunk written by the server has been read). */
export function bytesReceived(client: SseClient, total: number, options?: WaitOptions): Promise<void> {
  return until(
    `${total} bytes received by the client`,
    () => client.metrics().bytesReceived >= total,
    () => `it has received ${client.metrics().bytesReceived}; state '${client.state}'`,
    options,
  );
}

/**
 * A request the test itself sends and sees answered: anything a client would have sent before it
 * has reached the server by then (same loopback, same event loop), so "no request arrived" can be
 * asserted without a sleep.
 */
export async function barrier(server: SseServer, options?: WaitOptions): Promise<void> {
  server.route('/__barrier', (request) => request.respond(204));
  const response = await within(
    fetch(server.url('/__barrier')),
    'the barrier request to be answered',
    options,
  );
  await response.arrayBuffer();
}

/**
 * Resolves after every `setTimeout(…, 0)` scheduled before this call has run: Node runs timers of
 * the same delay in the order they were created. An ordering barrier, not a sleep (XState rethrows
 * a listener's exception in such a timeout; after this, a leak would have reached the process).
 */
export async function afterPendingTimeouts(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** Resolves once the server has exactly `count` sockets open; fails naming how many are open. */
export function socketsOpen(server: SseServer, count: number, options?: WaitOptions): Promise<void> {
  return waitFor<void>(
    `${count} open server socket(s)`,
    (resolve, reject) => {
      server.waitForSockets(count).then(resolve, reject);
      return () => undefined;
    },
    () => `${server.sockets} are open`,
    options,
  );
}

/** Requests the server received on `pathname`, routed and parked alike. */
export function requestsTo(server: SseServer, pathname: string): number {
  return server.received.filter((request) => request.pathname === pathname).length;
}

/** Resolves after `turns` turns of the event loop: lets pending I/O callbacks run, without a timer. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
