/**
 * The cursor that follows consumption: `client.lastEventId` and the `cursor` event name the id of
 * the last event every consumer has taken. A listener takes an event when it has run; an `events()`
 * iterator when `next()` hands the event out, not when it is buffered. So a cursor persisted from
 * the `cursor` event never runs ahead of what the app has processed: after a crash, the server
 * replays from there and nothing is lost.
 *
 * @module
 */

/** One event (or id-only block) not yet taken by every iterator that buffered it. */
export interface CursorTicket {
  readonly id: string;
  /** Iterators still holding the event. */
  remaining: number;
}

/** The consumption cursor of one client. */
export class ConsumptionCursor {
  private current: string;
  /** Tickets in stream order; the cursor advances over the taken prefix only. */
  private pending: CursorTicket[] = [];
  private head = 0;

  constructor(
    initial: string,
    private readonly onChange: (id: string) => void,
  ) {
    this.current = initial;
  }

  /** The id of the last event every consumer has taken. */
  get value(): string {
    return this.current;
  }

  /**
   * An event with this id was delivered to the listeners and buffered by `holders` iterators;
   * returns the ticket the iterators hand back, or `undefined` when the event was taken already.
   */
  delivered(id: string, holders: number): CursorTicket | undefined {
    if (holders === 0 && this.head === this.pending.length) {
      this.advance(id);
      return undefined;
    }
    const ticket: CursorTicket = { id, remaining: holders };
    this.pending.push(ticket);
    if (holders === 0) this.drain();
    return ticket;
  }

  /** An iterator handed the ticket's event out (or dropped it for good). */
  taken(ticket: CursorTicket): void {
    ticket.remaining--;
    if (ticket.remaining === 0) this.drain();
  }

  private drain(): void {
    let last: string | undefined;
    while (this.head < this.pending.length && (this.pending[this.head] as CursorTicket).remaining <= 0) {
      last = (this.pending[this.head] as CursorTicket).id;
      this.head++;
    }
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    if (last !== undefined) this.advance(last);
  }

  private advance(id: string): void {
    if (id === this.current) return;
    this.current = id;
    this.onChange(id);
  }
}
