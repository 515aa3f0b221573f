/**
 * Tricky `text/event-stream` bodies for the differential test against Chromium's `EventSource`.
 * Each is a list of chunks the server flushes one by one; the splits sit where incremental parsers
 * go wrong (between CR and LF, inside a UTF-8 sequence, inside the BOM, inside a field name).
 *
 * @module
 */

/** A chunk written as-is: text is encoded as UTF-8, numbers are raw bytes (for invalid UTF-8). */
export type Part = string | readonly number[];

/** One stream of the corpus. */
export interface StreamCase {
  readonly name: string;
  /** The chunks in the order the server flushes them. */
  readonly chunks: readonly (readonly Part[])[];
  /** What the specification says a conforming parser dispatches: `[type, data, lastEventId]`. */
  readonly expected: readonly (readonly [type: string, data: string, lastEventId: string])[];
  /** Event types besides `message` that the page listens to. */
  readonly types: readonly string[];
  /** Too long to send one byte per write in reasonable time. */
  readonly long?: boolean;
}

const encoder = new TextEncoder();

/** The bytes of one chunk. */
export function chunkBytes(parts: readonly Part[]): Uint8Array {
  const pieces = parts.map((part) =>
    typeof part === 'string' ? encoder.encode(part) : Uint8Array.from(part),
  );
  const out = new Uint8Array(pieces.reduce((total, piece) => total + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** The whole body of a case as one buffer. */
export function caseBytes(streamCase: StreamCase): Uint8Array {
  return chunkBytes(streamCase.chunks.flat());
}

const BOM = [0xef, 0xbb, 0xbf];
const longLine = 'x'.repeat(20_000);

/** The corpus. Chunks marked "split" put a boundary inside something an incremental parser must join. */
export const STREAM_CASES: readonly StreamCase[] = [
  {
    name: 'LF line ends, multi-line data',
    chunks: [['data: a\n\ndata: b\ndata: c\n\n']],
    expected: [
      ['message', 'a', ''],
      ['message', 'b\nc', ''],
    ],
    types: [],
  },
  {
    name: 'CR line ends',
    chunks: [['data: a\r\rdata: b\r'], ['data: c\r\r']],
    expected: [
      ['message', 'a', ''],
      ['message', 'b\nc', ''],
    ],
    types: [],
  },
  {
    name: 'CRLF split between CR and LF',
    chunks: [['data: a\r'], ['\n\r'], ['\nid: 7\r\ndata: b\r'], ['\n'], ['\r'], ['\n']],
    expected: [
      ['message', 'a', ''],
      ['message', 'b', '7'],
    ],
    types: [],
  },
  {
    name: 'CR, LF and CRLF mixed, CR at chunk ends',
    chunks: [['data: a\r\n\ndata: b\n\r'], ['\ndata: c\r'], ['\r\n\n'], ['data: d\r'], ['\r']],
    expected: [
      ['message', 'a', ''],
      ['message', 'b', ''],
      ['message', 'c', ''],
      ['message', 'd', ''],
    ],
    types: [],
  },
  {
    name: 'leading BOM split inside, a second BOM is not stripped',
    chunks: [[[0xef]], [[0xbb, 0xbf], 'data: first\n\n', BOM, 'data: hidden\n\ndata: last\n\n']],
    expected: [
      ['message', 'first', ''],
      ['message', 'last', ''],
    ],
    types: [],
  },
  {
    name: 'BOM only at the very start, alone in its chunk',
    chunks: [[BOM], ['data: after bom\n\n']],
    expected: [['message', 'after bom', '']],
    types: [],
  },
  {
    name: 'UTF-8 split inside 2-, 3- and 4-byte sequences',
    chunks: [
      ['data: caf', [0xc3]],
      [[0xa9], ' ', [0xe2, 0x82]],
      [[0xac], ' ', [0xf0]],
      [[0x9f, 0x98], [0x80]],
      ['\nevent: ', [0xe6, 0x97]],
      [[0xa5], '\n\n'],
    ],
    expected: [['日', 'café € 😀', '']],
    types: ['日'],
  },
  {
    name: 'invalid UTF-8: stray, overlong, surrogate, truncated bytes',
    chunks: [
      ['data: a', [0xff], 'b', [0xc3, 0x28], '\n'],
      ['data: ', [0xc0, 0xaf], [0xed, 0xa0, 0x80], '\n\n'],
      ['data: cut ', [0xe2, 0x82], '\n\n'],
      ['id: ', [0xf0, 0x9f]],
      ['\ndata: id is broken\n\n'],
    ],
    expected: [
      ['message', 'a\uFFFDb\uFFFD(\n\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD', ''],
      ['message', 'cut \uFFFD', ''],
      ['message', 'id is broken', '\uFFFD'],
    ],
    types: [],
  },
  {
    name: 'NUL in id is ignored, NUL in data is kept',
    chunks: [['id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n'], ['data: nul\0inside\n\nid: 2\0\ndata: c\n\n']],
    expected: [
      ['message', 'a', '1'],
      ['message', 'b', '1'],
      ['message', 'nul\0inside', '1'],
      ['message', 'c', '1'],
    ],
    types: [],
  },
  {
    name: 'comments everywhere',
    chunks: [[': hello\n:\ndata: a\n: mid\ndata: b\n\n'], [':only comments\n\n:'], ['x\ndata: c\n\n']],
    expected: [
      ['message', 'a\nb', ''],
      ['message', 'c', ''],
    ],
    types: [],
  },
  {
    name: 'retry fields, valid and invalid',
    chunks: [['retry: 10\ndata: a\n\nretry: abc\nretry: 1e3\nretry\nretry: -1\ndata: b\n\nretry:5\n\n']],
    expected: [
      ['message', 'a', ''],
      ['message', 'b', ''],
    ],
    types: [],
  },
  {
    name: 'event names, reset after dispatch, empty and spaced names',
    chunks: [
      ['event: add\ndata: 1\n\nevent: remove\ndata: 2\n\n'],
      ['data: 3\n\nevent:\ndata: 4\n\nevent: add\n\ndata: 5\n\n'],
      ['event:  spaced\ndata: 6\n\nevent: a\nevent: remove\ndata: 7\n\nev'],
      ['ent: add\ndata: 8\n\n'],
    ],
    expected: [
      ['add', '1', ''],
      ['remove', '2', ''],
      ['message', '3', ''],
      ['message', '4', ''],
      ['message', '5', ''],
      [' spaced', '6', ''],
      ['remove', '7', ''],
      ['add', '8', ''],
    ],
    types: ['add', 'remove', ' spaced', 'a'],
  },
  {
    name: 'empty data lines',
    chunks: [['data\n\ndata:\n\ndata:\ndata:\n\ndata: \n\ndata\ndata: x\ndata\n\n']],
    expected: [
      ['message', '', ''],
      ['message', '', ''],
      ['message', '\n', ''],
      ['message', '', ''],
      ['message', '\nx\n', ''],
    ],
    types: [],
  },
  {
    name: 'id-only blocks, id reset, id persists across events',
    chunks: [['id: 5\n\ndata: a\n\ndata: a2\n\nid\n\ndata: b\n\nid: 6\ndata: c\n\nid:\ndata: d\n\n']],
    expected: [
      ['message', 'a', '5'],
      ['message', 'a2', '5'],
      ['message', 'b', ''],
      ['message', 'c', '6'],
      ['message', 'd', ''],
    ],
    types: [],
  },
  {
    name: 'field names: no space, two spaces, case, unknown, spaced name',
    chunks: [['data:no-space\n\ndata:  two\n\nDATA: upper\n\nfoo: bar\ndata: x\n\ndata : spaced name\n\n']],
    expected: [
      ['message', 'no-space', ''],
      ['message', ' two', ''],
      ['message', 'x', ''],
    ],
    types: [],
  },
  {
    name: 'stream ending mid-event after a complete event',
    chunks: [['id: 1\ndata: a\n\nid: 2\ndata: b\n']],
    expected: [['message', 'a', '1']],
    types: [],
  },
  {
    name: 'stream ending mid-line',
    chunks: [['data: a\n\ndata: b\n\ndata: unfinished']],
    expected: [
      ['message', 'a', ''],
      ['message', 'b', ''],
    ],
    types: [],
  },
  {
    name: 'stream ending on a CR that ends the block',
    chunks: [['data: x\r\r']],
    expected: [['message', 'x', '']],
    types: [],
  },
  {
    name: 'a 20 000 character line across many chunks',
    chunks: [
      ...Array.from({ length: 20 }, (_, index) =>
        index === 0
          ? [`data: ${longLine.slice(0, 994)}`]
          : [longLine.slice(index * 1000 - 6, index * 1000 + 994)],
      ),
      ['\n\ndata: short\n\n'],
    ],
    expected: [
      ['message', longLine.slice(0, 19_994), ''],
      ['message', 'short', ''],
    ],
    types: [],
    long: true,
  },
];
