/**
 * One `abort` listener per signal, whatever the number of clients on it. Node warns on stderr
 * (`MaxListenersExceededWarning`) past ten listeners on one `AbortSignal`, and the library never
 * prints: an app that shares one signal among many clients must see nothing.
 *
 * @module
 */

const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Call `onAbort` when the signal aborts; returns the function that stops watching. */
export function watchSignal(signal: AbortSignal, onAbort: () => void): () => void {
  let set = watchers.get(signal);
  if (set === undefined) {
    const callbacks = new Set<() => void>();
    set = callbacks;
    watchers.set(signal, callbacks);
    signal.addEventListener(
      'abort',
      () => {
        watchers.delete(signal);
        for (const callback of callbacks) callback();
      },
      { once: true },
    );
  }
  set.add(onAbort);
  const callbacks = set;
  return () => {
    callbacks.delete(onAbort);
  };
}
