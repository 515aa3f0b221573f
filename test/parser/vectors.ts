/**
 * The specification vectors shared by the spec suite and the differential suite: WHATWG HTML "event
 * stream interpretation" rules and restated web-platform-tests `eventsource/format-*` fixtures.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
import type { EventStreamParserOptions, SseEvent } from '../../src/parser/types.js';
import { bytes, type Entry } from './helpers.js';

/** One input and everything the parser must report for it. */
export interface Vector {
  /** The rule of the specification the vector checks; also the test's name. */
  readonly rule: string;
  readonly input: string | Uint8Array;
  readonly events?: readonly SseEvent[];
  readonly retries?: readonly number[];
  readonly comments?: readonly string[];
  /** Arguments of `onLastEventId`, in order. */
  readonly ids?: readonly string[];
  /** `parser.lastEventId` after `end()`; defaults to the last of `ids`, else the seed, else `''`. */
  readonly lastEventId?: string;
  /** The whole log, when the order across callback kinds is the point of the vector. */
  readonly log?: readonly Entry[];
  readonly options?: EventStreamParserOptions;
}

/** An expected event; the type defaults to `message` and the last event ID to `''`. */
export function ev(data: string, type = 'message', lastEventId = ''): SseEvent {
  return { type, data, lastEventId };
}

const long = 'x'.repeat(512);

export const vectors: readonly Vector[] = [
  // --- Line ends -------------------------------------------------------------------------------
  { rule: 'LF ends a line and a blank line dispatches', input: 'data: a\n\n', events: [ev('a')] },
  { rule: 'CR alone ends a line', input: 'data: a\r\r', events: [ev('a')] },
  { rule: 'CRLF is one line end', input: 'data: a\r\n\r\n', events: [ev('a')] },
  {
    rule: 'CR, LF and CRLF can be mixed in one stream',
    input: 'data: a\rdata: b\ndata: c\r\n\r\ndata: d\n\r\n',
    events: [ev('a\nb\nc'), ev('d')],
  },
  {
    rule: 'LF then CR is two line ends (the CR ends a blank line)',
    input: 'data: a\n\rdata: b\n\n',
    events: [ev('a'), ev('b')],
  },
  {
    rule: 'CR then CRLF is two line ends (the CRLF ends a blank line)',
    input: 'data: a\r\r\ndata: b\n\n',
    events: [ev('a'), ev('b')],
  },
  {
    rule: 'WPT format-newlines: data lines ended by CRLF, LF and CR',
    input: 'data:test\r\ndata\ndata:test\r\n\r',
    events: [ev('test\n\ntest')],
  },
  {
    rule: 'several blank lines in a row dispatch nothing more',
    input: 'data: a\n\n\n\r\n\r\rdata: b\r\n\r\n\n',
    events: [ev('a'), ev('b')],
  },
  {
    rule: 'a CR as the last byte of the stream still ends the blank line',
    input: 'data: a\n\r',
    events: [ev('a')],
  },

  // --- Byte order mark -------------------------------------------------------------------------
  { rule: 'one leading BOM is stripped', input: '\uFEFFdata: a\n\n', events: [ev('a')] },
  {
    rule: 'WPT format-bom: a BOM after the stream start is part of the field name',
    input: '\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n',
    events: [ev('1'), ev('3')],
  },
  {
    rule: 'WPT format-bom-2: only one of two leading BOMs is stripped',
    input: '\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n',
    events: [ev('2'), ev('3')],
  },
  { rule: 'a BOM inside a value is kept', input: 'data: \uFEFFx\n\n', events: [ev('\uFEFFx')] },
  {
    rule: 'a stream without a BOM keeps its first character',
    input: 'event: e\ndata: b\n\n',
    events: [ev('b', 'e')],
  },

  // --- UTF-8 decoding ----------------------------------------------------------------------------
  {
    rule: 'UTF-8 text of 2, 3 and 4 bytes per character is decoded',
    input: 'data: é€😀 ünïcödé\n\n',
    events: [ev('é€😀 ünïcödé')],
  },
  {
    rule: 'WPT format-utf-8: the stream is always UTF-8',
    input: bytes('data:ok', [0xe2, 0x80, 0xa6], '\n\n'),
    events: [ev('ok…')],
  },
  {
    rule: 'an invalid byte decodes to U+FFFD',
    input: bytes('data: a', [0xff], 'b\n\n'),
    events: [ev('a\uFFFDb')],
  },
  {
    rule: 'a truncated sequence before a line end decodes to one U+FFFD',
    input: bytes('data: ', [0xe2, 0x82], '\n\n'),
    events: [ev('\uFFFD')],
  },
  {
    rule: 'a lone continuation byte decodes to U+FFFD',
    input: bytes('data: ', [0x80], 'z\n\n'),
    events: [ev('\uFFFDz')],
  },
  {
    rule: 'an overlong encoding decodes to one U+FFFD per byte',
    input: bytes('data: ', [0xc0, 0xaf], '\n\n'),
    events: [ev('\uFFFD\uFFFD')],
  },
  {
    rule: 'an encoded surrogate decodes to one U+FFFD per byte',
    input: bytes('data: ', [0xed, 0xa0, 0x80], '\n\n'),
    events: [ev('\uFFFD\uFFFD\uFFFD')],
  },
  {
    rule: 'an invalid byte in a field name makes an unknown field',
    input: bytes('dat', [0xe1], 'a: x\n\ndata: y\n\n'),
    events: [ev('y')],
  },

  // --- NUL -----------------------------------------------------------------------------------------
  { rule: 'WPT format-null-character: NUL in data is kept', input: 'data:\0\n\n', events: [ev('\0')] },
  {
    rule: 'NUL in the event type is kept',
    input: 'event: a\0b\ndata: x\n\n',
    events: [ev('x', 'a\0b')],
  },

  // --- Comments ----------------------------------------------------------------------------------
  {
    rule: 'a comment is reported without the colon and one leading space',
    input: ': hi\n',
    comments: ['hi'],
  },
  { rule: 'only one leading space of a comment is removed', input: ':  two\n', comments: [' two'] },
  { rule: 'a bare colon is an empty comment', input: ':\n', comments: [''] },
  { rule: 'a comment without a space is kept whole', input: ':x: y\n', comments: ['x: y'] },
  {
    rule: 'WPT format-comments: comments amid data lines with every line end',
    input: `data:1\r:\0\n:\r\ndata:2\n:${long}\rdata:3\n:data:fail\r:${long}\ndata:4\n\n`,
    events: [ev('1\n2\n3\n4')],
    comments: ['\0', '', long, 'data:fail', long],
  },
  {
    rule: 'a comment does not end the block',
    input: 'data: a\n: c\ndata: b\n\n',
    events: [ev('a\nb')],
    comments: ['c'],
  },
  {
    rule: 'a comment-only block dispatches nothing',
    input: ': ping\n\n: ping\n\n',
    comments: ['ping', 'ping'],
  },

  // --- Fields ------------------------------------------------------------------------------------
  { rule: 'a line without a colon is a field name with an empty value', input: 'data\n\n', events: [ev('')] },
  {
    rule: 'WPT format-field-data: empty data values',
    input: 'data:\n\ndata\ndata\n\ndata:test\n\n',
    events: [ev(''), ev('\n'), ev('test')],
  },
  { rule: 'one leading space of a value is removed', input: 'data: x\n\n', events: [ev('x')] },
  { rule: 'only one leading space of a value is removed', input: 'data:  x\n\n', events: [ev(' x')] },
  { rule: 'a value without a leading space is kept whole', input: 'data:x\n\n', events: [ev('x')] },
  {
    rule: 'WPT format-leading-space: a tab is not a space, a lone space is an empty value',
    input: 'data:\ttest\rdata: \ndata:test\n\n',
    events: [ev('\ttest\n\ntest')],
  },
  { rule: 'trailing spaces of a value are kept', input: 'data: x  \n\n', events: [ev('x  ')] },
  {
    rule: 'the field name ends at the first colon; later colons are value',
    input: 'data: a: b:c\ndata:: d\n\n',
    events: [ev('a: b:c\n: d')],
  },
  {
    rule: 'unknown fields are ignored',
    input: 'foo: bar\ndata: x\nbar\nretries: 1\nids: 2\n\n',
    events: [ev('x')],
  },
  {
    rule: 'field names are case-sensitive',
    input: 'Data: x\nDATA: y\nEvent: e\nID: 1\nRetry: 1\n\ndata: z\n\n',
    events: [ev('z')],
  },
  {
    rule: 'a space before the colon makes another field name',
    input: 'data : x\n\ndata: y\n\n',
    events: [ev('y')],
  },
  {
    rule: 'a leading space makes another field name',
    input: ' data: x\n\ndata: y\n\n',
    events: [ev('y')],
  },

  // --- data ----------------------------------------------------------------------------------------
  {
    rule: 'data lines are joined by LF',
    input: 'data: a\ndata: b\ndata: c\n\n',
    events: [ev('a\nb\nc')],
  },
  {
    rule: 'only the final LF of the data buffer is removed',
    input: 'data: a\ndata:\n\n',
    events: [ev('a\n')],
  },
  {
    rule: 'a data field with an empty value dispatches an event with empty data',
    input: 'data: \n\n',
    events: [ev('')],
  },
  {
    rule: 'a blank line with an empty data buffer dispatches nothing',
    input: '\n\n\r\n\r',
  },
  {
    rule: 'a block with only an event field dispatches nothing',
    input: 'event: x\n\n',
  },
  {
    rule: 'the event type of a block without data does not leak into the next block',
    input: 'event: x\n\ndata: y\n\n',
    events: [ev('y')],
  },
  {
    rule: 'type and data buffers are reset after every dispatch',
    input: 'event: a\ndata: 1\n\ndata: 2\n\n',
    events: [ev('1', 'a'), ev('2')],
  },
  {
    rule: 'a CR inside a value ends the line; the rest is another field',
    input: 'data: a\rb\n\n',
    events: [ev('a')],
  },

  // --- event ---------------------------------------------------------------------------------------
  {
    rule: 'WPT format-field-event: the event field sets the type',
    input: 'event:test\ndata:x\n\ndata:x\n\n',
    events: [ev('x', 'test'), ev('x')],
  },
  {
    rule: 'WPT format-field-event-empty: an empty event type means message',
    input: 'event: \ndata:data\n\n',
    events: [ev('data')],
  },
  {
    rule: 'the last event field of a block wins',
    input: 'event: a\nevent: b\ndata: x\n\n',
    events: [ev('x', 'b')],
  },
  {
    rule: 'an event field without a colon empties the type',
    input: 'event: a\nevent\ndata: x\n\n',
    events: [ev('x')],
  },
  {
    rule: 'the event type keeps case, spaces and non-ASCII text',
    input: 'event: Foo Bär 😀\ndata: x\n\n',
    events: [ev('x', 'Foo Bär 😀')],
  },
  {
    rule: 'the event field may come after the data fields',
    input: 'data: x\nevent: late\n\n',
    events: [ev('x', 'late')],
  },

  // --- id ------------------------------------------------------------------------------------------
  {
    rule: 'WPT format-field-id: the id field sets the last event ID',
    input: 'id: 1\ndata: x\n\n',
    events: [ev('x', 'message', '1')],
    ids: ['1'],
  },
  {
    rule: 'WPT format-field-id-2: the last event ID persists across events',
    input: 'id: 1\ndata: a\n\ndata: b\n\n',
    events: [ev('a', 'message', '1'), ev('b', 'message', '1')],
    ids: ['1'],
  },
  {
    rule: 'an empty id resets the last event ID to the empty string',
    input: 'id: 1\ndata: a\n\nid\ndata: b\n\nid:\ndata: c\n\n',
    events: [ev('a', 'message', '1'), ev('b'), ev('c')],
    ids: ['1', ''],
  },
  {
    rule: 'an id containing NUL is ignored',
    input: 'id: 1\ndata: a\n\nid: 2\0\ndata: b\n\nid: \0\ndata: c\n\n',
    events: [ev('a', 'message', '1'), ev('b', 'message', '1'), ev('c', 'message', '1')],
    ids: ['1'],
  },
  {
    rule: 'an id-only block commits the last event ID without an event',
    input: 'id: 7\n\ndata: x\n\n',
    events: [ev('x', 'message', '7')],
    ids: ['7'],
  },
  {
    rule: 'onLastEventId is called only when the ID changes',
    input: 'id: 1\ndata: a\n\nid: 1\ndata: b\n\nid: 1\n\n',
    events: [ev('a', 'message', '1'), ev('b', 'message', '1')],
    ids: ['1'],
  },
  {
    rule: 'the last id field of a block wins and is reported once',
    input: 'id: a\nid: b\ndata: x\n\n',
    events: [ev('x', 'message', 'b')],
    ids: ['b'],
  },
  {
    rule: 'an id may come after the data fields of its block',
    input: 'data: x\nid: late\n\n',
    events: [ev('x', 'message', 'late')],
    ids: ['late'],
  },
  {
    rule: 'an id in a block that never ends is not committed',
    input: 'id: 1\ndata: a\n\nid: 2\ndata: b\n',
    events: [ev('a', 'message', '1')],
    ids: ['1'],
  },
  {
    rule: 'an id keeps the spaces after the first one and non-ASCII text',
    input: 'id:  x ü😀 \ndata: y\n\n',
    events: [ev('y', 'message', ' x ü😀 ')],
    ids: [' x ü😀 '],
  },
  {
    rule: 'the seed last event ID is the ID of events without an id field',
    input: 'data: x\n\n',
    options: { lastEventId: 'seed' },
    events: [ev('x', 'message', 'seed')],
    lastEventId: 'seed',
  },
  {
    rule: 'an empty id resets a seeded last event ID',
    input: 'id\n\ndata: x\n\n',
    options: { lastEventId: 'seed' },
    events: [ev('x')],
    ids: [''],
  },
  {
    rule: 'WPT format-data-before-final-empty-line: the unterminated last block is not dispatched',
    input: 'retry:1000\ndata:test1\n\nid:test\ndata:test2',
    events: [ev('test1')],
    retries: [1000],
  },

  // --- retry ---------------------------------------------------------------------------------------
  { rule: 'retry with ASCII digits is reported in milliseconds', input: 'retry: 1000\n', retries: [1000] },
  { rule: 'retry zero is valid', input: 'retry:0\n', retries: [0] },
  { rule: 'retry leading zeros are decimal digits', input: 'retry: 007\n', retries: [7] },
  {
    rule: 'WPT format-field-retry-bogus: retry with a non-digit is ignored',
    input: 'retry:2000\nretry:1000x\ndata:x\n\n',
    events: [ev('x')],
    retries: [2000],
  },
  {
    rule: 'retry with a sign, a decimal point, an exponent or extra spaces is ignored',
    input: 'retry: -1\nretry: +1\nretry: 1.5\nretry: 1e3\nretry:  10\nretry: 10 \nretry: 0x10\n',
  },
  { rule: 'an empty retry is ignored', input: 'retry\nretry:\nretry: \n' },
  { rule: 'retry with non-ASCII digits is ignored', input: 'retry: ١٢\nretry: １２\n' },
  {
    rule: 'retry is reported when its line ends, without a blank line or an event',
    input: 'data: a\nretry: 5\n',
    retries: [5],
  },
  { rule: 'a retry line cut off by the end of the stream is not reported', input: 'retry: 5' },
  {
    rule: 'retry inside a block does not end the block',
    input: 'data: a\nretry: 10\ndata: b\n\n',
    events: [ev('a\nb')],
    retries: [10],
  },

  // --- End of stream -------------------------------------------------------------------------------
  { rule: 'an unfinished block is discarded at the end of the stream', input: 'data: a\n' },
  {
    rule: 'an unfinished line is discarded at the end of the stream',
    input: 'data: a\n\ndata: b',
    events: [ev('a')],
  },

  // --- Order of callbacks --------------------------------------------------------------------------
  {
    rule: 'callbacks come in stream order; onLastEventId precedes its event',
    input: ': c\nretry: 1\nid: 9\ndata: x\n\n: d\n',
    log: [
      { kind: 'comment', text: 'c' },
      { kind: 'retry', ms: 1 },
      { kind: 'id', id: '9' },
      { kind: 'event', type: 'message', data: 'x', lastEventId: '9' },
      { kind: 'comment', text: 'd' },
    ],
  },
];
