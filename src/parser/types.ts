import type { SseError } from '../errors.js';

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The event type: the `event:` field, or `'message'` when the block had none. */
  readonly type: string;
  /** The `data:` lines joined by `\n`, without the final newline. */
  readonly data: string;
  /** The last event ID of the stream when this event was dispatched (persists across events). */
  readonly lastEventId: string;
}

/** What the parser reports while it reads a stream. Only `onEvent` is required. */
export interface EventStreamCallbacks {
  /** A complete event was dispatched (a blank line ended a block with data). */
  onEvent(event: SseEvent): void;
  /** A `retry:` field with a valid value (ASCII digits only), in milliseconds. */
  onRetry?(milliseconds: number): void;
  /** A comment line (`:` first), without the colon and without one leading space. */
  onComment?(comment: string): void;
  /**
   * The committed last event ID changed. Called at the end of a block (blank line), before `onEvent`,
   * also for blocks without data (an id-only block), so a cursor can be persisted.
   */
  onLastEventId?(lastEventId: string): void;
  /**
   * The stream broke a limit (code `EVENT_TOO_LARGE`). Without this callback `feed` throws the error
   * instead. Either way the parser ignores further input until `reset()`.
   */
  onError?(error: SseError): void;
}

/** Limits and initial state of a parser. */
export interface EventStreamParserOptions {
  /**
   * Largest line or event the parser buffers before it reports `EVENT_TOO_LARGE`, in UTF-16 code units
   * of decoded text (bytes for ASCII; never more than the UTF-8 byte count). An event's size is its
   * data (each line plus one for its line end), its `event:` type and an `id:` read in its block; any
   * line, comments and unknown fields included, must fit beside what the block already holds. The
   * parser's heap stays within about 3× this value whatever the stream sends.
   * @defaultValue {@link DEFAULT_MAX_EVENT_SIZE} (16 MiB)
   */
  maxEventSize?: number | undefined;
  /**
   * Makes the decoder of a byte stream, called at the first bytes of each stream (again after
   * `reset()` or `end()`). The default uses `TextDecoder` and runs everywhere; on Node,
   * `createNodeDecoder` from `sse-machine/parser/node` decodes ASCII chunks several times faster.
   * @defaultValue `createTextDecoderDecoder`
   */
  createDecoder?: (() => EventStreamDecoder) | undefined;
  /** Seed for the last event ID (the cursor of a resumed stream). @defaultValue `''` */
  lastEventId?: string | undefined;
}

/** An incremental event-stream parser. */
export interface EventStreamParser {
  /**
   * Parse the next chunk. Bytes are decoded as UTF-8 (split sequences held for the next chunk,
   * invalid bytes as U+FFFD) and one leading BOM of the stream is stripped, as the specification's
   * decode step does. A string is taken as text that was already decoded, BOM included: nothing is
   * stripped from it. So pass what a default `TextDecoder` (which strips one BOM) or `response.text()`
   * produced; a second U+FEFF is then part of the first line, as for bytes (WPT `format-bom-2`).
   */
  feed(chunk: Uint8Array | string): void;
  /** The stream ended: an unfinished block is discarded, as the specification requires. */
  end(): void;
  /** Forget all buffered input (a new connection). The last event ID is kept unless a new one is given. */
  reset(options?: { lastEventId?: string }): void;
  /** The committed last event ID. */
  readonly lastEventId: string;
}

/**
 * Turns the bytes of one stream into text, chunk by chunk: the seam between the parser, which is
 * runtime-neutral, and the fastest decoder of a runtime (`TextDecoder`, or `Buffer` on Node).
 */
export interface EventStreamDecoder {
  /**
   * The text of `chunk`, exactly as a streaming `TextDecoder('utf-8', { ignoreBOM: true })` would
   * give it: bytes of a UTF-8 sequence split at the end are held for the next call, invalid
   * sequences become U+FFFD, a BOM is returned as U+FEFF (the parser strips one at the start).
   */
  decode(chunk: Uint8Array): string;
}
