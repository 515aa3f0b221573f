/**
 * The bounded buffer behind one `client.events()` iterator: events wait here for a consumer; a full
 * buffer either pauses reading (`'pause'`, real backpressure) or ends the loop (`'error'`).
 *
 * @module
 */
import { SseError } from './errors.js';
import type { SseEvent } from './parser/types.js';

/** The buffer behind one `events()` iterator. */
/** @internal */
export class EventQueue implements AsyncIterableIterator<SseEvent> {
  private buffer: SseEvent[] = [];
  private head = 0;
  private waiter: ((result: IteratorResult<SseEvent>) => void) | undefined;
  private failWaiter: ((error: unknown) => void) | undefined;
  private done = false;
  private failure: unknown;
  private paused = false;

  constructor(
    private readonly types: ReadonlySet<string> | undefined,
    private readonly bufferSize: number,
    private readonly overflow: 'pause' | 'error',
    private readonly onPause: (paused: boolean) => void,
    private readonly onReturn: () => void,
  ) {}

  push(event: SseEvent): void {
    if (this.done || (this.types !== undefined && !this.types.has(event.type))) return;
    if (this.waiter !== undefined) {
      const resolve = this.waiter;
      this.waiter = undefined;
      this.failWaiter = undefined;
      resolve({ value: event, done: false });
      return;
    }
    this.buffer.push(event);
    const size = this.buffer.length - this.head;
    if (size >= this.bufferSize && !this.paused) {
      if (this.overflow === 'error') {
        this.finish(
          new SseError(
            'BUFFER_OVERFLOW',
            `the events() consumer fell ${size} events behind (bufferSize ${this.bufferSize})`,
          ),
          true,
        );
        return;
      }
      this.paused = true;
      this.onPause(true);
    }
  }

  /** The client closed (no error) or failed (error): buffered events are still handed out first. */
  finish(error?: unknown, discard = false): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    if (discard) {
      this.buffer = [];
      this.head = 0;
    }
    this.unpause();
    if (this.waiter !== undefined && this.head === this.buffer.length) {
      const resolve = this.waiter;
      const reject = this.failWaiter;
      this.waiter = undefined;
      this.failWaiter = undefined;
      if (error !== undefined) {
        this.failure = undefined;
        reject?.(error);
      } else resolve({ value: undefined, done: true });
    }
  }

  private unpause(): void {
    if (this.paused) {
      this.paused = false;
      this.onPause(false);
    }
  }

  next(): Promise<IteratorResult<SseEvent>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head] as SseEvent;
      this.head++;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      if (this.paused && this.buffer.length - this.head < this.bufferSize / 2) this.unpause();
      return Promise.resolve({ value, done: false });
    }
    if (this.done) {
      if (this.failure !== undefined) {
        const error = this.failure;
        this.failure = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<SseEvent>> {
    const wasDone = this.done;
    this.finish(undefined, true);
    this.failure = undefined;
    if (!wasDone) this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<SseEvent> {
    return this;
  }
}
