/**
 * The WHATWG HTML "event stream interpretation" as an incremental parser.
 *
 * Bytes are decoded once per chunk (by a {@link EventStreamDecoder}: `TextDecoder` by default, `Buffer`
 * on Node, so split UTF-8 sequences and a split BOM come out right), then lines are found with
 * `indexOf` on the decoded text. Fields are recognised in place, without slicing the field name; only
 * values are sliced, and a value handed out is detached from its chunk (see `detach`). A line that
 * spans chunks, and the data lines of one event, are kept as pieces merged eagerly (see `joiner.ts`),
 * so a long line costs O(n), not O(n²), and memory stays proportional to the text kept.
 *
 * Memory bound: everything one parser holds is at most ~3× `maxEventSize` plus a constant, whatever
 * the input: the block being read (data, type and the id set in it, which all count toward the
 * limit), the last committed id (itself under the limit when it was read), the unfinished line, and
 * the slices of the current chunk.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * @module
 */
import { SseError } from '../errors.js';
import { createJoiner, detach } from './joiner.js';
import type {
  EventStreamCallbacks,
  EventStreamDecoder,
  EventStreamParser,
  EventStreamParserOptions,
  SseEvent,
} from './types.js';

/**
 * Default bound on a line or an event (its data, type and id together): 16 MiB. Measured in UTF-16
 * code units of decoded text, which equals bytes for ASCII and is never more than the UTF-8 byte count.
 *
 * @example
 * ```ts
 * // A feed of large JSON snapshots: allow 64 MiB per event instead of the default 16 MiB.
 * createEventStreamParser({ onEvent }, { maxEventSize: 4 * DEFAULT_MAX_EVENT_SIZE });
 * ```
 */
export const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

const LF = 10;
const SPACE = 32;
const COLON = 58;

// Field names compared by char code: `startsWith` with an offset is several times slower in V8.
function isData(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 100 &&
    text.charCodeAt(at + 1) === 97 &&
    text.charCodeAt(at + 2) === 116 &&
    text.charCodeAt(at + 3) === 97
  );
}

function isEvent(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 101 &&
    text.charCodeAt(at + 1) === 118 &&
    text.charCodeAt(at + 2) === 101 &&
    text.charCodeAt(at + 3) === 110 &&
    text.charCodeAt(at + 4) === 116
  );
}

function isRetry(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 114 &&
    text.charCodeAt(at + 1) === 101 &&
    text.charCodeAt(at + 2) === 116 &&
    text.charCodeAt(at + 3) === 114 &&
    text.charCodeAt(at + 4) === 121
  );
}

// Searches that may run to the end of a chunk without a match live in their own small functions:
// measured on Node 20, such an `indexOf` inlined by TurboFan into a loop is about 100x slower.
function indexOfLF(text: string, from: number): number {
  return text.indexOf('\n', from);
}

function indexOfCR(text: string, from: number): number {
  return text.indexOf('\r', from);
}

/** Where the value of a field whose name ends at `nameEnd` starts, or -1 if the name goes on. */
function valueStart(text: string, nameEnd: number, end: number): number {
  if (nameEnd === end) return end;
  if (text.charCodeAt(nameEnd) !== COLON) return -1;
  return nameEnd + 1 < end && text.charCodeAt(nameEnd + 1) === SPACE ? nameEnd + 2 : nameEnd + 1;
}

/**
 * Create an incremental parser for a `text/event-stream` body.
 *
 * `onEvent` is called synchronously from `feed` for every dispatched event. A limit breach is
 * reported to `onError` (or thrown by `feed` when there is none) as an `SseError` with code
 * `EVENT_TOO_LARGE`; the parser then ignores input until `reset()`.
 *
 * @example
 * ```ts
 * const parser = createEventStreamParser({
 *   onEvent: (event) => console.log(event.type, event.data),
 *   onRetry: (ms) => console.log('server asks to wait', ms),
 * });
 * parser.feed(new TextEncoder().encode('event: greeting\ndata: hello\n\n'));
 * parser.end();
 * ```
 */
/**
 * Two decoders, because V8/Node decode UTF-8 at very different speeds depending on the text:
 * measured on Node 20 with 28 MB of JSON, a one-shot `decode()` takes 8 ms for ASCII but 59 ms with
 * a few non-ASCII characters, while `decode(..., { stream: true })` takes 32 ms for either. The
 * one-shot decoder is used only where it cannot differ from the streaming one: when no sequence is
 * pending and the chunk ends with an ASCII byte (a split sequence always ends in a byte ≥ 0x80).
 */
const ASCII_PROBE_INTERVAL = 16;

/**
 * The runtime-neutral decoder: WHATWG `TextDecoder` (browsers, Deno, Bun, workers, and Node when no
 * other decoder is given). It keeps a BOM (the parser strips one at the start of a byte stream).
 *
 * @example
 * ```ts
 * const decoder = createTextDecoderDecoder();
 * decoder.decode(Uint8Array.of(0xe2, 0x82)) + decoder.decode(Uint8Array.of(0xac)); // '€'
 * ```
 */
export function createTextDecoderDecoder(): EventStreamDecoder {
  let oneShotDecoder: TextDecoder | undefined;
  let streamingDecoder: TextDecoder | undefined;
  /** The last chunks were ASCII: decode one-shot. Otherwise streaming, probing again now and then. */
  let asciiMode = true;
  let chunksSinceProbe = 0;
  /** The streaming decoder may hold the start of a split UTF-8 sequence. */
  let streamingPending = false;
  return {
    decode(chunk) {
      const endsClean = chunk.length === 0 || (chunk[chunk.length - 1] as number) < 0x80;
      if (asciiMode && endsClean && !streamingPending) {
        oneShotDecoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
        const text = oneShotDecoder.decode(chunk);
        // Fewer chars than bytes: multi-byte text, which the streaming decoder handles faster.
        if (text.length !== chunk.length) asciiMode = false;
        return text;
      }
      streamingDecoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
      const text = streamingDecoder.decode(chunk, { stream: true });
      // An empty chunk changes nothing: a sequence split before it is still pending.
      if (chunk.length > 0) streamingPending = !endsClean;
      if (++chunksSinceProbe >= ASCII_PROBE_INTERVAL && text.length === chunk.length) {
        chunksSinceProbe = 0;
        asciiMode = true;
      }
      return text;
    },
  };
}

/**
 * Create an incremental parser for a `text/event-stream` body.
 *
 * `onEvent` is called synchronously from `feed` for every dispatched event. A limit breach is
 * reported to `onError` (or thrown by `feed` when there is none) as an `SseError` with code
 * `EVENT_TOO_LARGE`; the parser then ignores input until `reset()`.
 *
 * Bytes are decoded by `options.createDecoder` (a `TextDecoder` unless given; the Node entry of the
 * client passes `createNodeDecoder` from `sse-machine/parser/node`). Strings are taken as text that
 * was already decoded: no BOM is stripped from them, since a default `TextDecoder` has already
 * stripped the one the specification allows (WPT `format-bom-2`).
 *
 * @example
 * ```ts
 * const parser = createEventStreamParser({
 *   onEvent: (event) => console.log(event.type, event.data),
 *   onRetry: (ms) => console.log('server asks to wait', ms),
 * });
 * parser.feed(new TextEncoder().encode('event: greeting\ndata: hello\n\n'));
 * parser.end();
 * ```
 */
export function createEventStreamParser(
  callbacks: EventStreamCallbacks,
  options: EventStreamParserOptions = {},
): EventStreamParser {
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  if (!(Number.isInteger(maxEventSize) && maxEventSize > 0)) {
    throw new TypeError(
      `sse-machine: maxEventSize must be a positive whole number, got ${String(maxEventSize)}`,
    );
  }
  const createDecoder = options.createDecoder ?? createTextDecoderDecoder;
  const { onEvent, onRetry, onComment, onLastEventId, onError } = callbacks;

  /** Created at the first bytes of a stream; a new stream gets a new one (pending bytes are the old stream's). */
  let decoder: EventStreamDecoder | undefined;
  /** Nothing of this stream has been decoded yet: a leading BOM is still to be stripped. */
  let atStreamStart = true;
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to that line end. */
  let skipLeadingLF = false;
  let failed = false;

  // Fragments of a line whose end has not arrived yet.
  const partial = createJoiner('');
  let partialLength = 0;

  // The block being read (the spec's buffers). Its size is data + type + an id set in it.
  let eventType = '';
  /** Length of the id read in this block (0 if none): it counts toward maxEventSize like data. */
  let blockIdLength = 0;
  let dataFirst = '';
  /** Every data line of the block, once it has two or more. */
  const dataLinesJoined = createJoiner('\n');
  let dataLines = 0;
  let dataLength = 0;
  /** Characters of this block's data lines sliced from the current chunk (see `settle`). */
  let dataFromChunk = 0;
  let lastEventIdBuffer = options.lastEventId ?? '';
  let committedLastEventId = lastEventIdBuffer;

  function fail(message: string): void {
    failed = true;
    partial.clear();
    partialLength = 0;
    clearBlock();
    const error = new SseError('EVENT_TOO_LARGE', message);
    if (onError === undefined) throw error;
    onError(error);
  }

  function clearBlock(): void {
    eventType = '';
    blockIdLength = 0;
    dataFirst = '';
    dataLinesJoined.clear();
    dataLines = 0;
    dataLength = 0;
    dataFromChunk = 0;
  }

  function endBlock(): void {
    if (lastEventIdBuffer !== committedLastEventId) {
      committedLastEventId = lastEventIdBuffer;
      onLastEventId?.(committedLastEventId);
    }
    if (dataLines === 0) {
      eventType = '';
      blockIdLength = 0;
      return;
    }
    // A join of two or more pieces is a fresh flat string; one line is a slice, detached here.
    const data = dataLines === 1 ? detach(dataFirst) : dataLinesJoined.join();
    const event: SseEvent = {
      type: eventType === '' ? 'message' : eventType,
      data,
      lastEventId: committedLastEventId,
    };
    clearBlock();
    onEvent(event);
  }

  function appendData(value: string): void {
    dataLength += value.length + 1;
    if (dataLength + eventType.length + blockIdLength > maxEventSize) {
      fail(`event exceeds maxEventSize (${maxEventSize})`);
      return;
    }
    dataFromChunk += value.length;
    if (dataLines === 0) dataFirst = value;
    else {
      if (dataLines === 1) dataLinesJoined.push(dataFirst);
      dataLinesJoined.push(value);
    }
    dataLines++;
  }

  /**
   * One complete line `text[start, end)`, without its line end. A known field name must be followed
   * by a colon or the line end, so prefixes decide the field and no colon search is needed: any
   * other line is an unknown field, which the specification ignores.
   */
  function processLine(text: string, start: number, end: number): void {
    if (start === end) {
      endBlock();
      return;
    }
    // Any line (a comment or an unknown field too) must fit beside what the block already holds.
    if (end - start + dataLength + eventType.length + blockIdLength > maxEventSize) {
      fail(`line exceeds maxEventSize (${maxEventSize})`);
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) {
      if (onComment !== undefined) {
        const from = start + 1 < end && text.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1;
        onComment(detach(text.slice(from, end)));
      }
      return;
    }
    if (first === 100 /* d */) {
      if (isData(text, start)) {
        const from = valueStart(text, start + 4, end);
        if (from !== -1) appendData(text.slice(from, end));
      }
    } else if (first === 101 /* e */) {
      if (isEvent(text, start)) {
        const from = valueStart(text, start + 5, end);
        if (from !== -1) setEventType(text, from, end);
      }
    } else if (first === 105 /* i */) {
      if (text.charCodeAt(start + 1) === 100) {
        const from = valueStart(text, start + 2, end);
        if (from !== -1) setId(text, from, end);
      }
    } else if (first === 114 /* r */) {
      if (isRetry(text, start)) {
        const from = valueStart(text, start + 5, end);
        if (from !== -1) processRetry(text, from, end);
      }
    }
  }

  function setEventType(text: string, from: number, end: number): void {
    // The new type replaces the old one, so only the new one counts.
    if (end - from + dataLength + blockIdLength > maxEventSize) {
      fail(`event exceeds maxEventSize (${maxEventSize})`);
      return;
    }
    eventType = detach(text.slice(from, end));
  }

  function setId(text: string, from: number, end: number): void {
    const value = text.slice(from, end);
    if (value.includes('\0')) return;
    if (value.length + dataLength + eventType.length > maxEventSize) {
      fail(`event exceeds maxEventSize (${maxEventSize})`);
      return;
    }
    lastEventIdBuffer = detach(value);
    blockIdLength = value.length;
  }

  function processRetry(text: string, start: number, end: number): void {
    if (start === end) return;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) return;
    }
    if (onRetry !== undefined) onRetry(Number(text.slice(start, end)));
  }

  /**
   * Lines of a chunk without CR, the common case: one `indexOf` per line, and the usual one-line
   * event (`data: ...` then a blank line) is dispatched without touching the block buffers.
   * Returns where the unfinished last line starts.
   */
  function parseLFLines(text: string, position: number): number {
    let lineEnd = text.indexOf('\n', position);
    while (lineEnd !== -1) {
      if (
        dataLines === 0 &&
        text.charCodeAt(lineEnd + 1) === LF &&
        isData(text, position) &&
        text.charCodeAt(position + 4) === COLON
      ) {
        const from = text.charCodeAt(position + 5) === SPACE ? position + 6 : position + 5;
        // The same verdict as the line-by-line path: the whole line beside the type and id.
        if (lineEnd - position + eventType.length + blockIdLength > maxEventSize) {
          fail(`line exceeds maxEventSize (${maxEventSize})`);
          return position;
        }
        // The blank line ends the block: commit an `id:` read in it first, as `endBlock` does.
        if (lastEventIdBuffer !== committedLastEventId) {
          committedLastEventId = lastEventIdBuffer;
          onLastEventId?.(committedLastEventId);
        }
        const event: SseEvent = {
          type: eventType === '' ? 'message' : eventType,
          data: detach(text.slice(from, lineEnd)),
          lastEventId: committedLastEventId,
        };
        eventType = '';
        blockIdLength = 0;
        onEvent(event);
        position = lineEnd + 2;
      } else {
        processLine(text, position, lineEnd);
        position = lineEnd + 1;
      }
      if (failed) return position;
      lineEnd = text.indexOf('\n', position);
    }
    return position;
  }

  /** Lines of a chunk with CR, LF and CRLF mixed. Returns where the unfinished last line starts. */
  function parseMixedLines(text: string, position: number, firstCR: number): number {
    const length = text.length;
    let nextCR = firstCR;
    let nextLF = text.indexOf('\n', position);
    while (position < length) {
      if (nextLF !== -1 && nextLF < position) nextLF = text.indexOf('\n', position);
      if (nextCR !== -1 && nextCR < position) nextCR = text.indexOf('\r', position);
      const lineEnd = nextLF === -1 ? nextCR : nextCR === -1 || nextLF < nextCR ? nextLF : nextCR;
      if (lineEnd === -1) return position;
      processLine(text, position, lineEnd);
      if (failed) return length;
      if (lineEnd === nextCR) {
        if (lineEnd + 1 === length) {
          // A CR ends the line now; whether an LF follows is the next chunk's business.
          skipLeadingLF = true;
          return length;
        }
        position = text.charCodeAt(lineEnd + 1) === LF ? lineEnd + 2 : lineEnd + 1;
      } else {
        position = lineEnd + 1;
      }
    }
    return position;
  }

  function parseText(text: string): void {
    const length = text.length;
    let position = 0;
    if (skipLeadingLF) {
      skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) position = 1;
    }
    if (partial.count > 0) {
      // Finish the line that started in an earlier chunk, joining its fragments once.
      const lf = indexOfLF(text, position);
      const cr = indexOfCR(text, position);
      const lineEnd = lf === -1 ? cr : cr === -1 || lf < cr ? lf : cr;
      if (lineEnd === -1) {
        keepPartial(text, position);
        return;
      }
      if (lineEnd > position) partial.push(text.slice(position, lineEnd));
      const line = partial.join();
      partial.clear();
      partialLength = 0;
      processLine(line, 0, line.length);
      if (failed) return;
      // That line may be a slice of an earlier chunk: it never counts as this chunk's own data.
      dataFromChunk = 0;
      if (lineEnd === cr) {
        if (lineEnd + 1 === length) {
          skipLeadingLF = true;
          settle(text);
          return;
        }
        position = text.charCodeAt(lineEnd + 1) === LF ? lineEnd + 2 : lineEnd + 1;
      } else {
        position = lineEnd + 1;
      }
    }
    const firstCR = indexOfCR(text, position);
    position = firstCR === -1 ? parseLFLines(text, position) : parseMixedLines(text, position, firstCR);
    if (failed) return;
    if (position < length) keepPartial(text, position);
    settle(text);
  }

  /**
   * The chunk `text` is done: data lines of an unfinished block must not keep it alive when they are
   * a small part of it (a 13-char data line per 64 KB chunk of comments would pin 64 KB per line), so
   * they are copied out now. When they are most of the chunk (≥ 3/4, as in a large multi-line event)
   * the chunk is the data itself: pinning it costs at most 4/3 of the data, and the copy is skipped.
   */
  function settle(text: string): void {
    if (dataLines > 0 && dataFromChunk * 4 < text.length * 3) {
      if (dataLines === 1) dataFirst = detach(dataFirst);
      else dataLinesJoined.settle();
    }
    dataFromChunk = 0;
  }

  function keepPartial(text: string, position: number): void {
    partialLength += text.length - position;
    if (partialLength + dataLength + eventType.length + blockIdLength > maxEventSize) {
      fail(`line exceeds maxEventSize (${maxEventSize}) without a line end`);
      return;
    }
    partial.push(position === 0 ? text : text.slice(position));
  }

  function resetStream(): void {
    // A new stream: the decoder's pending bytes belong to the old one.
    decoder = undefined;
    atStreamStart = true;
    skipLeadingLF = false;
    failed = false;
    partial.clear();
    partialLength = 0;
    clearBlock();
    // An id read in a block that never ended was not committed: the next stream starts from the cursor.
    lastEventIdBuffer = committedLastEventId;
  }

  return {
    feed(chunk) {
      if (failed) return;
      let text: string;
      if (typeof chunk === 'string') {
        // Already decoded: the decode step (and its one BOM) happened before us.
        text = chunk;
        if (text.length > 0) atStreamStart = false;
      } else {
        decoder ??= createDecoder();
        text = decoder.decode(chunk);
        if (atStreamStart && text.length > 0) {
          atStreamStart = false;
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        }
      }
      if (text.length > 0) parseText(text);
    },
    end() {
      // A partial line and an unfinished block are discarded: the specification dispatches nothing.
      // A limit breach stays in force until `reset()`.
      const wasFailed = failed;
      resetStream();
      failed = wasFailed;
    },
    reset(resetOptions) {
      if (resetOptions?.lastEventId !== undefined) committedLastEventId = resetOptions.lastEventId;
      resetStream();
    },
    get lastEventId() {
      return committedLastEventId;
    },
  };
}
