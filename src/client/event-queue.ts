/**
 * The bounded buffer behind one `client.events()` iterator: events wait here for a consumer; a full
 * buffer either pauses reading (`'pause'`, real backpressure) or ends the loop (`'error'`).
 *
 * @module
 */
import { SseError } from '../errors.js';
import type { SseEvent } from '../parser/types.js';
import type { CursorTicket } from './cursor.js';

/** The buffer behind one `events()` iterator. */
/** @internal */
export class EventQueue implements AsyncIterableIterator<SseEvent> {
  private buffer: SseEvent[] = [];
  /** The cursor ticket of each buffered event, handed back when the event is handed out. */
  private tickets: (CursorTicket | undefined)[] = [];
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
    private readonly onTaken: (ticket: CursorTicket) => void,
  ) {}

  /** Whether this iterator takes the event (open, and of a type it wants). */
  accepts(event: SseEvent): boolean {
    return !this.done && (this.types === undefined || this.types.has(event.type));
  }

  /**
   * Hand the event to a waiting consumer, or buffer it; call only when {@link accepts} said yes.
   * Returns true when the event is buffered (the ticket comes back when it is handed out).
   */
  push(event: SseEvent): boolean {
    if (this.waiter !== undefined) {
      const resolve = this.waiter;
      this.waiter = undefined;
      this.failWaiter = undefined;
      resolve({ value: event, done: false });
      return false;
    }
    this.buffer.push(event);
    this.tickets.push(undefined);
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
        return true;
      }
      this.paused = true;
      this.onPause(true);
    }
    return true;
  }

  /** Attach the cursor ticket of the event pushed last. */
  ticket(ticket: CursorTicket): void {
    if (this.tickets.length > this.head) this.tickets[this.tickets.length - 1] = ticket;
    else this.onTaken(ticket);
  }

  /** The client closed (no error) or failed (error): buffered events are still handed out first. */
  finish(error?: unknown, discard = false): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    if (discard) {
      // Discarded events were never taken: a consumer that leaves the loop (and closes the client)
      // keeps the cursor at the last event it took, so a restart resumes before these. One that
      // overflowed (`'error'`) is gone for good and releases them, or it would hold back the
      // cursor of every other consumer.
      if (error !== undefined) {
        for (let i = this.head; i < this.tickets.length; i++) {
          const ticket = this.tickets[i];
          if (ticket !== undefined) this.onTaken(ticket);
        }
      }
      this.buffer = [];
      this.tickets = [];
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
      const ticket = this.tickets[this.head];
      this.head++;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.tickets = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.tickets = this.tickets.slice(this.head);
        this.head = 0;
      }
      if (ticket !== undefined) this.onTaken(ticket);
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
