/**
 * The listener registry of a client: copy-on-write lists per type, so a listener that subscribes or
 * unsubscribes while an event is being delivered changes the next delivery, not this one. Every
 * user callback is wrapped: an exception becomes an `error` with code `LISTENER` and never reaches
 * the host (XState would rethrow it in a `setTimeout`, an uncaught exception).
 *
 * @module
 */
import { SseError } from '../errors.js';

type AnyListener = (...values: never[]) => void;

/** The listeners of one client. */
export class ListenerRegistry {
  private lists = new Map<string, readonly AnyListener[]>();
  /** The last type looked up and its list: consecutive events of one type skip the map. */
  private cachedType: string | undefined;
  private cachedList: readonly AnyListener[] | undefined;

  /** Add a listener; returns the function that removes it. */
  add(type: string, listener: AnyListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('sse-machine: a listener must be a function');
    this.set(type, [...(this.lists.get(type) ?? []), listener]);
    return () => {
      const list = this.lists.get(type);
      if (list === undefined || !list.includes(listener)) return;
      this.set(
        type,
        list.filter((candidate) => candidate !== listener),
      );
    };
  }

  /** Whether any listener of this type exists. */
  has(type: string): boolean {
    return this.lists.has(type);
  }

  /** Call every listener of `type` with the value (and, for `state`, its details). */
  emit(type: string, value: unknown, details?: unknown): void {
    let list: readonly AnyListener[] | undefined;
    if (type === this.cachedType) list = this.cachedList;
    else {
      list = this.lists.get(type);
      this.cachedType = type;
      this.cachedList = list;
    }
    if (list === undefined) return;
    for (const listener of list) {
      try {
        (listener as (value: unknown, details: unknown) => void)(value, details);
      } catch (cause) {
        // A throwing error listener is swallowed: reporting it would loop.
        if (type !== 'error') {
          this.emit(
            'error',
            new SseError('LISTENER', `a listener threw: ${String((cause as Error)?.message ?? cause)}`, {
              cause,
            }),
          );
        }
      }
    }
  }

  private set(type: string, list: readonly AnyListener[]): void {
    const next = new Map(this.lists);
    if (list.length === 0) next.delete(type);
    else next.set(type, list);
    this.lists = next;
    this.cachedType = undefined;
    this.cachedList = undefined;
  }
}
