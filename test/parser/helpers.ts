/**
 * Shared helpers of the parser suites: every callback of a parser recorded into one ordered log, so a
 * test can compare whole runs (one chunk against many) and not only the events.
 */
import { createEventStreamParser, createTextDecoderDecoder } from '../../src/parser/index.js';
import { createNodeDecoder } from '../../src/parser/node.js';
import type {
  EventStreamDecoder,
  EventStreamParser,
  EventStreamParserOptions,
} from '../../src/parser/types.js';

/**
 * Every decoder the parser ships with: each suite runs once per decoder, since both must give the
 * same text for the same bytes (split sequences, BOMs, invalid bytes included).
 */
export const decoders: readonly {
  readonly name: string;
  readonly createDecoder: () => EventStreamDecoder;
}[] = [
  { name: 'TextDecoder', createDecoder: createTextDecoderDecoder },
  { name: 'Node Buffer', createDecoder: createNodeDecoder },
];

/** What a default `TextDecoder` makes of the bytes (one leading BOM stripped): the string form of a stream. */
export function decodedText(input: Uint8Array): string {
  return new TextDecoder().decode(input);
}

/** One callback the parser made, in the order it made it. */
export type Entry =
  | { readonly kind: 'event'; readonly type: string; readonly data: string; readonly lastEventId: string }
  | { readonly kind: 'retry'; readonly ms: number }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'error'; readonly code: string };

/** A parser whose every callback appends to `log`. */
export function recordingParser(options: EventStreamParserOptions = {}): {
  parser: EventStreamParser;
  log: Entry[];
} {
  const log: Entry[] = [];
  const parser = createEventStreamParser(
    {
      onEvent: (event) =>
        log.push({ kind: 'event', type: event.type, data: event.data, lastEventId: event.lastEventId }),
      onRetry: (ms) => log.push({ kind: 'retry', ms }),
      onComment: (text) => log.push({ kind: 'comment', text }),
      onLastEventId: (id) => log.push({ kind: 'id', id }),
      onError: (error) => log.push({ kind: 'error', code: error.code }),
    },
    options,
  );
  return { parser, log };
}

/** Feed the chunks in order to a fresh parser, end the stream, and return everything it reported. */
export function parseChunks(
  chunks: readonly (Uint8Array | string)[],
  options: EventStreamParserOptions = {},
): { log: Entry[]; lastEventId: string } {
  const { parser, log } = recordingParser(options);
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return { log, lastEventId: parser.lastEventId };
}

const encoder = new TextEncoder();

/** UTF-8 bytes of text. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Concatenate parts: strings as UTF-8, number arrays as raw (possibly invalid) bytes. */
export function bytes(...parts: readonly (string | readonly number[])[]): Uint8Array {
  const encoded = parts.map((part) => (typeof part === 'string' ? utf8(part) : Uint8Array.from(part)));
  const out = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The input as single-byte chunks. */
export function oneByteChunks(input: Uint8Array): Uint8Array[] {
  return Array.from(input, (_, i) => input.subarray(i, i + 1));
}

/** The input cut into consecutive chunks ending at the given (sorted, in range) offsets. */
export function cutAt(input: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(input.subarray(start, offset));
    start = offset;
  }
  chunks.push(input.subarray(start));
  return chunks;
}
