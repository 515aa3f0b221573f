/**
 * Entry `sse-machine/eventsource`: a WHATWG-compatible `EventSource` (HTML §9.2) over the client,
 * so code written for the browser API, or for the `eventsource` npm package, switches by changing
 * one import and gains the client's reconnection policy, heartbeat detection and typed errors.
 *
 * This entry is for Node (and other server runtimes): it is wired to the undici transport. Browsers
 * have a native `EventSource`; use it there, or `createSseClient` from `sse-machine` (fetch).
 *
 * Differences from a browser's `EventSource`, all deliberate:
 * - A 5xx, 408 or 429 response reconnects (readyState CONNECTING, then `error`) instead of failing;
 *   the backoff is exponential with jitter, and a server's `retry:` replaces its base (jitter never
 *   waits less than `retry:`). `reconnect: { strategy: 'fixed', initialDelay: 3000, jitter: 0 }`
 *   gives the browsers' fixed wait.
 * - A stream that sends no bytes for `heartbeatTimeout` (45 s by default; 0 disables) is dropped and
 *   reconnected, like a network error.
 * - `withCredentials: true` is `credentials: 'include'` for the fetch transport (the fetch build,
 *   or a `fetch` passed in the init). With Node's undici transport it is recorded but has no
 *   effect: there are no ambient cookies on a server. Send credentials with `headers`.
 * - A URL with a scheme other than http: or https: throws the same `SyntaxError` as an unparsable one.
 * - An exception thrown by a listener never reaches the host (Node's `EventTarget` would rethrow it
 *   as an uncaught exception) and dispatch goes on. It is reported as an `SseError` with code
 *   `LISTENER` on `eventSource.client.on('error', ...)`, except where reporting could loop or has no
 *   channel: an `error` event that carries an `SseError`, and events the program dispatches itself.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 * @module
 */
import {
  CLIENT_EVENT_NAMES,
  type SseClient,
  type SseClientOptions,
  type SseOpenInfo,
  type SseStateDetails,
} from './client.js';
import type { SseError } from './errors.js';
import { createSseClient, DEFAULT_TRANSPORT_HAS_CREDENTIALS } from './index.js';
import type { SseEvent } from './parser/types.js';

/** `readyState` values, as the constants of the specification name them. */
type ReadyState = 0 | 1 | 2;
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/**
 * The init dictionary of {@link EventSource}: `withCredentials` plus every connection option of the
 * client (`headers`, `reconnect`, `heartbeatTimeout`, `lastEventId`, `dispatcher`, ...).
 */
export interface EventSourceInit extends Omit<SseClientOptions, 'autoConnect' | 'events'> {
  /**
   * `credentials: 'include'` for the fetch transport; recorded only with Node's undici transport
   * (see the module notes). @defaultValue false
   */
  withCredentials?: boolean;
}

/** What the `error` events of an {@link EventSource} carry besides the DOM fields. */
export interface EventSourceErrorEventInit extends EventInit {
  /** The failure behind the event; `message` and `code` of the event are derived from it. */
  error?: SseError | undefined;
}

/**
 * The `error` event of an {@link EventSource}: a plain `Event` for DOM code, with the failure attached
 * for code that wants it. `message` and `code` (the HTTP status) match the `eventsource` package.
 *
 * @example
 * ```ts
 * source.onerror = (event) => {
 *   if (event.error?.code === 'HTTP_STATUS' && event.code === 401) source.close();
 * };
 * ```
 */
export class EventSourceErrorEvent extends Event {
  // Optional, so that a handler typed for a plain `Event` (the DOM's `onerror`) fits, and ours fits
  // where the DOM's `EventSource` type is expected.
  /** The failure, when there was one (a clean end of stream has none). */
  readonly error?: SseError | undefined;
  /** The failure's message. */
  readonly message?: string | undefined;
  /** The HTTP status of the response that failed, if any (as the `eventsource` package reports it). */
  readonly code?: number | undefined;

  constructor(type: string, init: EventSourceErrorEventInit = {}) {
    super(type, init);
    this.error = init.error;
    this.message = init.error?.message;
    this.code = init.error?.status;
  }
}

export { EventSourceErrorEvent as ErrorEvent };

/** The events an {@link EventSource} dispatches by itself. Named SSE events are `MessageEvent`s too. */
export interface EventSourceEventMap {
  /** The connection opened (after every reconnect too). */
  open: Event;
  /** An event without an `event:` field. */
  message: MessageEvent<string>;
  /**
   * A reconnect or a failure ({@link EventSourceErrorEvent}), or an SSE event the server named
   * `error` (a `MessageEvent`).
   */
  error: EventSourceErrorEvent | MessageEvent<string>;
}

/**
 * An `on<type>` attribute handler. The attributes are `[LegacyTreatNonObjectAsNull]`, as in the DOM:
 * a non-callable object is also stored (and returned by the getter) but never invoked.
 */
export type EventSourceHandler<E extends Event> = ((event: E) => unknown) | null;

type Listener = EventListenerOrEventListenerObject;

/** One `on<type>` attribute: the DOM keeps one listener in place and swaps the callback inside it. */
interface HandlerSlot {
  /** Any object: WebIDL stores a non-callable one too, and calling it is then a no-op. */
  callback: object;
  readonly listener: (event: Event) => void;
}

/** A listener's exception, caught during a dispatch this class started. */
interface CaughtError {
  readonly error: unknown;
}

// Base URL for relative URLs, as the client resolves them (a page's location where one exists).
function baseUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

/**
 * A WHATWG `EventSource` over `createSseClient`: `readyState`, `onopen`/`onmessage`/`onerror`,
 * `addEventListener`, `close()`, `MessageEvent`s with `data`, `origin` and `lastEventId`.
 *
 * @example
 * ```ts
 * import { EventSource } from 'sse-machine/eventsource';
 *
 * const source = new EventSource('https://example.com/events', { headers: { authorization: 'Bearer x' } });
 * source.onmessage = (event) => console.log(event.data, event.lastEventId);
 * source.addEventListener('update', (event) => console.log('update', event.data));
 * source.onerror = () => {
 *   if (source.readyState === EventSource.CLOSED) console.log('gave up');
 * };
 * ```
 */
export class EventSource extends EventTarget {
  // The constants are defined below the class, as WebIDL shapes them (read-only, non-configurable):
  // a class field would be writable and configurable.
  /** The connection has not been established yet, or is being re-established. */
  declare static readonly CONNECTING: 0;
  /** The connection is open and dispatching events. */
  declare static readonly OPEN: 1;
  /** The connection failed for good, or `close()` was called. */
  declare static readonly CLOSED: 2;

  /** {@link EventSource.CONNECTING} on the instance, as the DOM has it. */
  declare readonly CONNECTING: 0;
  /** {@link EventSource.OPEN} on the instance, as the DOM has it. */
  declare readonly OPEN: 1;
  /** {@link EventSource.CLOSED} on the instance, as the DOM has it. */
  declare readonly CLOSED: 2;

  readonly #url: string;
  readonly #withCredentials: boolean;
  readonly #client: SseClient;
  #readyState: ReadyState = CONNECTING;
  #origin: string;
  readonly #handlers = new Map<string, HandlerSlot>();
  /**
   * The client keys already forwarded to this target. Keyed by the client's key, not the DOM type:
   * `open` and `event:open` both map to `event:open`, and one subscription serves both.
   */
  readonly #forwarded = new Set<string>();
  /** Wrapped listeners, one per (listener, capture, type), so EventTarget's de-duplication still holds. */
  readonly #wrappers = new WeakMap<object, Map<string, EventListener>>();
  /** Every wrapper handed to EventTarget, to recognise one when EventTarget itself removes it. */
  readonly #isWrapper = new WeakSet<object>();
  #caught: CaughtError | undefined;
  #dispatching = false;

  /**
   * Connect to `url` at once (in a microtask, so listeners added in the same tick see every event).
   *
   * @param init - Optional; `null` is the empty dictionary, as WebIDL converts it.
   * @throws `DOMException` `SyntaxError` when `url` does not parse as an http(s) URL, as browsers do.
   * @throws `TypeError` for an invalid option.
   */
  constructor(url: string | URL, init: EventSourceInit | null = {}) {
    super();
    let parsed: URL;
    try {
      parsed = new URL(String(url), baseUrl());
    } catch {
      throw new DOMException(`The URL ${JSON.stringify(String(url))} is invalid.`, 'SyntaxError');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new DOMException(
        `The URL scheme ${JSON.stringify(parsed.protocol)} is not supported: use http: or https:.`,
        'SyntaxError',
      );
    }
    const { withCredentials, ...options } = init ?? {};
    this.#url = parsed.href;
    this.#origin = parsed.origin;
    this.#withCredentials = Boolean(withCredentials);
    // HTML: withCredentials makes the request's credentials mode "include".
    const fetchTransport = DEFAULT_TRANSPORT_HAS_CREDENTIALS || options.fetch !== undefined;
    this.#client = createSseClient(
      parsed,
      this.#withCredentials && fetchTransport && options.credentials === undefined
        ? { ...options, credentials: 'include' }
        : options,
    );
    // 'open' and 'error' are both the client's own channels and possible SSE event names: the
    // handlers tell them apart by the value.
    this.#client.on('state', (state, details) => this.#onClientState(state, details));
    this.#client.on('open', (value: unknown) => this.#onClientOpen(value));
  }

  /** The URL of the stream, resolved (the original one, not where redirects led). */
  get url(): string {
    return this.#url;
  }

  /** Whether the source was created with `withCredentials: true` (`credentials: 'include'`). */
  get withCredentials(): boolean {
    return this.#withCredentials;
  }

  /** {@link EventSource.CONNECTING}, {@link EventSource.OPEN} or {@link EventSource.CLOSED}. */
  get readyState(): ReadyState {
    return this.#readyState;
  }

  /**
   * The client behind this source (not part of the standard): `metrics()`, `state`, `lastEventId`,
   * the XState `actor`, and `on('error')` for every `SseError`, including `LISTENER` reports.
   */
  get client(): SseClient {
    return this.#client;
  }

  /** Called for `open` events; setting replaces, `null` removes (DOM attribute semantics). */
  get onopen(): EventSourceHandler<Event> {
    return this.#handler('open');
  }
  /** Replace the `open` handler (`null` removes it). */
  set onopen(handler: EventSourceHandler<Event>) {
    this.#setHandler('open', handler);
  }

  /** Called for `message` events (events without an `event:` field). */
  get onmessage(): EventSourceHandler<MessageEvent<string>> {
    return this.#handler('message');
  }
  /** Replace the `message` handler (`null` removes it). */
  set onmessage(handler: EventSourceHandler<MessageEvent<string>>) {
    this.#setHandler('message', handler);
  }

  /** Called for `error` events: a reconnect (readyState CONNECTING) or a failure (CLOSED). */
  get onerror(): EventSourceHandler<EventSourceErrorEvent> {
    return this.#handler('error');
  }
  /** Replace the `error` handler (`null` removes it). */
  set onerror(handler: EventSourceHandler<EventSourceErrorEvent>) {
    this.#setHandler('error', handler);
  }

  /** Abort the connection and any reconnection for good; no event is dispatched after it. */
  close(): void {
    this.#readyState = CLOSED;
    this.#client.close();
  }

  /**
   * Listen for `open`, `message` or `error`, typed by {@link EventSourceEventMap}. A listener's
   * exception does not stop the others; it is reported as a `LISTENER` error on
   * `source.client.on('error', ...)`. `once`, `capture` and `signal` work as on any `EventTarget`.
   */
  override addEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: ((this: EventSource, event: EventSourceEventMap[K]) => unknown) | EventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Listen for events the server names with `event: <type>`; they arrive as `MessageEvent`s. */
  override addEventListener(
    type: string,
    listener: ((this: EventSource, event: MessageEvent<string>) => unknown) | EventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener === null || listener === undefined) return;
    const key = `${captureOf(options)}:${type}`;
    let byKey = this.#wrappers.get(listener);
    if (byKey === undefined) {
      byKey = new Map();
      this.#wrappers.set(listener, byKey);
    }
    let wrapper = byKey.get(key);
    if (wrapper === undefined) {
      wrapper = (event: Event) => this.#invoke(listener, event);
      byKey.set(key, wrapper);
      this.#isWrapper.add(wrapper);
    }
    // EventTarget validates the options (and throws) before we subscribe to anything.
    super.addEventListener(type, wrapper, options);
    // DOM "add an event listener": an aborted signal adds nothing, so there is nothing to forward.
    if (typeof options === 'object' && options?.signal?.aborted === true) return;
    this.#forward(String(type));
  }

  /** Remove a listener added with the same type, listener and `capture` flag. */
  override removeEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: ((this: EventSource, event: EventSourceEventMap[K]) => unknown) | EventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  /** Remove a listener of a named event type. */
  override removeEventListener(
    type: string,
    listener: ((this: EventSource, event: MessageEvent<string>) => unknown) | EventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ): void {
    if (listener === null || listener === undefined) return;
    // A listener's `signal` aborting makes Node's EventTarget call this method with the wrapper it
    // was given, not with the program's listener: pass a wrapper straight through.
    if (this.#isWrapper.has(listener)) {
      super.removeEventListener(type, listener, options);
      return;
    }
    const wrapper = this.#wrappers.get(listener)?.get(`${captureOf(options)}:${type}`);
    if (wrapper !== undefined) super.removeEventListener(type, wrapper, options);
  }

  #invoke(listener: Listener, event: Event): void {
    try {
      if (typeof listener === 'function') listener.call(this, event);
      else listener.handleEvent(event);
    } catch (error) {
      // Keep the first one for the client to report; later listeners still run, as in the DOM.
      if (this.#dispatching) this.#caught ??= { error };
    }
  }

  /**
   * Dispatch an event this source produced. A listener's exception is rethrown once every listener
   * ran, into the client's callback, which reports it as `LISTENER`.
   */
  #fire(event: Event): void {
    const outer = this.#dispatching;
    this.#dispatching = true;
    try {
      this.dispatchEvent(event);
    } finally {
      this.#dispatching = outer;
    }
    const caught = this.#caught;
    if (caught !== undefined && !outer) {
      this.#caught = undefined;
      throw caught.error;
    }
  }

  #handler<E extends Event>(type: string): EventSourceHandler<E> {
    return (this.#handlers.get(type)?.callback as EventSourceHandler<E> | undefined) ?? null;
  }

  // HTML "event handler attributes": the first non-null value adds a listener at the end of the list;
  // later values replace the callback in place; null removes the listener. The attributes are
  // [LegacyTreatNonObjectAsNull]: every non-object is null, and every object, callable or not, is kept.
  #setHandler(type: string, handler: unknown): void {
    const slot = this.#handlers.get(type);
    if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) {
      if (slot !== undefined) {
        this.#handlers.delete(type);
        this.removeEventListener(type, slot.listener);
      }
      return;
    }
    if (slot !== undefined) {
      slot.callback = handler;
      return;
    }
    const created: HandlerSlot = {
      callback: handler,
      listener: (event: Event) => {
        const { callback } = created;
        // WebIDL "invoke a callback function": a non-callable value returns undefined, no error.
        if (typeof callback === 'function') callback.call(this, event);
      },
    };
    this.#handlers.set(type, created);
    this.addEventListener(type, created.listener);
  }

  /** Ask the client for SSE events of `type`; types nobody listens to are never forwarded. */
  #forward(type: string): void {
    // The client delivers server events that share a name with its own events as `event:<type>`,
    // so it delivers both `open` and `event:open` under `event:open`. The MessageEvent takes the
    // server's type, so one subscription per key reaches the listeners of either type once.
    const key = CLIENT_EVENT_NAMES.has(type) ? `event:${type}` : type;
    if (this.#forwarded.has(key)) return;
    this.#forwarded.add(key);
    this.#client.on(key, (value: SseEvent) => this.#dispatchMessage(value));
  }

  #dispatchMessage(event: SseEvent): void {
    // HTML §9.2.6 "dispatch the event": nothing after close(), even from the same chunk.
    if (this.#readyState === CLOSED) return;
    this.#fire(
      new MessageEvent(event.type, {
        data: event.data,
        origin: this.#origin,
        lastEventId: event.lastEventId,
      }),
    );
  }

  #onClientOpen(value: unknown): void {
    if (this.#readyState === CLOSED) return;
    // HTML §9.2.3 "announce the connection": readyState first, then the event.
    this.#origin = new URL((value as SseOpenInfo).url).origin;
    this.#readyState = OPEN;
    this.#fire(new Event('open'));
  }

  #onClientState(state: string, details: SseStateDetails): void {
    if (this.#readyState === CLOSED) return;
    if (state === 'reconnecting' || state === 'failed') {
      const failed = state === 'failed';
      // "Reestablish the connection": CONNECTING, then `error`, then the wait. "Fail the connection":
      // CLOSED, then `error`; nothing can restart an EventSource. A listener-level failure
      // (`LISTENER`) is the app's, not the connection's: it never changes the state.
      this.#readyState = failed ? CLOSED : CONNECTING;
      this.#announceError(failed, details.error);
    } else if (state === 'closed') {
      this.#readyState = CLOSED;
    }
  }

  #announceError(failed: boolean, error: SseError | undefined): void {
    if (failed) this.#client.close();
    else if (this.#readyState === CLOSED) return;
    this.#fire(new EventSourceErrorEvent('error', { error }));
  }
}

// Libraries feature-detect this before passing a `fetch` in the init (the `eventsource` package's
// convention): this class takes one (`fetch`, any FetchLike).
Object.defineProperty(EventSource, Symbol.for('eventsource.supports-fetch-override'), {
  value: true,
  enumerable: false,
});

for (const [name, value] of [
  ['CONNECTING', CONNECTING],
  ['OPEN', OPEN],
  ['CLOSED', CLOSED],
] as const) {
  // WebIDL constants live on the interface object and its prototype, read-only, enumerable and
  // non-configurable (defineProperty's defaults for the flags it is not given).
  Object.defineProperty(EventSource, name, { value, enumerable: true });
  Object.defineProperty(EventSource.prototype, name, { value, enumerable: true });
}
// WebIDL class string: Object.prototype.toString gives `[object EventSource]`, not EventTarget's.
Object.defineProperty(EventSource.prototype, Symbol.toStringTag, {
  value: 'EventSource',
  configurable: true,
});

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === 'boolean' ? options : Boolean(options?.capture);
}
