/**
 * Counters and timings of one client (ARCHITECTURE §6). Updated from the data plane, so every
 * per-event and per-chunk path is a few integer operations, with no allocation.
 *
 * @module
 */
import { redactSerializedError, type SerializedSseError } from './errors.js';

/** The flattened state of a connection, as `client.state` reports it. */
export type SseState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** A snapshot of a client's metrics, from `client.metrics()`. Times in ms. */
export interface SseMetrics {
  /** Time from the start of an attempt to its accepted response: the last one and the median of the last 64. */
  readonly connectTime: {
    /** The most recent attempt's connect time, `undefined` before any response. */
    readonly last: number | undefined;
    /** Median over the last 64 attempts, robust to one slow handshake. */
    readonly median: number | undefined;
  };
  /** When the current connection opened (epoch ms), if connected. */
  readonly openedAt: number | undefined;
  /** Attempts started after the first one. */
  readonly reconnects: number;
  /** The current attempt number (1 for the first). */
  readonly attempt: number;
  /** Events dispatched to the client since it was created, over all connections. */
  readonly eventsReceived: number;
  /** Response body bytes received since the client was created (comments and partial lines included). */
  readonly bytesReceived: number;
  /** Events per second over the last {@link EVENT_RATE_WINDOW_SECONDS} seconds (or since the client was created, if sooner). */
  readonly eventsPerSecond: number;
  /** The cursor that the next attempt sends as `Last-Event-ID`. */
  readonly lastEventId: string;
  /** The last failure reported, serialized (`undefined` until one happens); URLs without query, fragment or credentials. */
  readonly lastError: SerializedSseError | undefined;
  /** Time spent in each state so far, including the current one. */
  readonly timeInState: Readonly<Record<SseState, number>>;
}

/**
 * Width of the sliding window behind `eventsPerSecond`: long enough to smooth bursts, short
 * enough that a stalled stream shows as 0 within seconds.
 *
 * @example
 * ```ts
 * const { eventsPerSecond } = client.metrics();
 * console.log(`${eventsPerSecond.toFixed(1)} events/s over ${EVENT_RATE_WINDOW_SECONDS} s`);
 * ```
 */
export const EVENT_RATE_WINDOW_SECONDS = 5;
const CONNECT_SAMPLES = 64;

/** @internal The recorder a client owns. */
export class MetricsRecorder {
  eventsReceived = 0;
  bytesReceived = 0;
  reconnects = 0;
  openedAt: number | undefined;
  private readonly connectTimes: number[] = [];
  private attemptStartedAt = 0;
  // One bucket per second: the current second's count, and a ring of completed seconds.
  private readonly buckets = new Array<number>(EVENT_RATE_WINDOW_SECONDS).fill(0);
  private bucketSecond = 0;
  private readonly timeInState: Record<SseState, number> = {
    idle: 0,
    connecting: 0,
    connected: 0,
    reconnecting: 0,
    failed: 0,
    closed: 0,
  };
  private state: SseState = 'idle';
  private stateSince: number;

  private readonly createdAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.stateSince = now();
    this.createdAt = this.stateSince;
  }

  // Events of the current chunk, not yet in a rate bucket: reading the clock once per chunk instead
  // of once per event saved ~10 % of the client's CPU on small events (1M-event benchmark).
  private unbucketedEvents = 0;

  recordEvent(): void {
    this.eventsReceived++;
    this.unbucketedEvents++;
  }

  /** Called after each chunk is parsed: its events all arrived at this moment. */
  recordBytes(bytes: number): void {
    this.bytesReceived += bytes;
    if (this.unbucketedEvents > 0) this.bucketEvents(this.now());
  }

  private bucketEvents(now: number): void {
    const second = Math.floor(now / 1000);
    if (second !== this.bucketSecond) this.advance(second);
    const index = second % EVENT_RATE_WINDOW_SECONDS;
    this.buckets[index] = (this.buckets[index] as number) + this.unbucketedEvents;
    this.unbucketedEvents = 0;
  }

  recordState(state: SseState, attempt: number): void {
    const now = this.now();
    this.timeInState[this.state] += now - this.stateSince;
    this.stateSince = now;
    if (state === 'connecting' && this.state !== 'connecting') {
      this.attemptStartedAt = now;
      if (attempt > 1) this.reconnects++;
    }
    if (state === 'connected') {
      this.openedAt = now;
      this.connectTimes.push(now - this.attemptStartedAt);
      if (this.connectTimes.length > CONNECT_SAMPLES) this.connectTimes.shift();
    } else {
      this.openedAt = undefined;
    }
    this.state = state;
  }

  private advance(second: number): void {
    // Zero the buckets of the seconds that passed without events (at most the whole window).
    const gap = Math.min(second - this.bucketSecond, EVENT_RATE_WINDOW_SECONDS);
    for (let i = 1; i <= gap; i++) this.buckets[(this.bucketSecond + i) % EVENT_RATE_WINDOW_SECONDS] = 0;
    this.bucketSecond = second;
  }

  /**
   * How much time the buckets really cover: the completed seconds of the window plus the part of
   * the current second that has passed (dividing by the full window read up to 20 % low, in a
   * saw-tooth), and no more than the collector has existed. At least 1 s, so the first events do
   * not read as a burst of thousands per second.
   */
  private windowSeconds(now: number): number {
    const covered = EVENT_RATE_WINDOW_SECONDS - 1 + (now % 1000) / 1000;
    return Math.max(1, Math.min(covered, (now - this.createdAt) / 1000));
  }

  snapshot(attempt: number, lastEventId: string, lastError: SerializedSseError | undefined): SseMetrics {
    const now = this.now();
    if (this.unbucketedEvents > 0) this.bucketEvents(now);
    this.advance(Math.floor(now / 1000));
    let windowEvents = 0;
    for (const count of this.buckets) windowEvents += count;
    const sorted = [...this.connectTimes].sort((a, b) => a - b);
    const timeInState = { ...this.timeInState };
    timeInState[this.state] += now - this.stateSince;
    return {
      connectTime: {
        last: this.connectTimes[this.connectTimes.length - 1],
        median: sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)],
      },
      openedAt: this.openedAt,
      reconnects: this.reconnects,
      attempt,
      eventsReceived: this.eventsReceived,
      bytesReceived: this.bytesReceived,
      eventsPerSecond: windowEvents / this.windowSeconds(now),
      lastEventId,
      // The machine builds some errors as plain data (timeouts, RECONNECT_EXHAUSTED) from its own
      // context.url: shown here redacted like every SseError, whoever built them.
      lastError: redactSerializedError(lastError),
      timeInState,
    };
  }
}
