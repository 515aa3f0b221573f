/**
 * Random event streams for the property and differential suites: known and unknown fields, comments,
 * retry lines, multi-byte text with 4-byte emoji, NUL, stray BOMs, CR / LF / CRLF line ends, blank
 * lines, an optional leading BOM and an optional unterminated tail, as UTF-8 bytes.
 */
import { fc } from '@fast-check/vitest';
import { utf8 } from './helpers.js';

/** Single characters that matter to the parser, weighted with arbitrary code points. */
const char = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'Z', '0', '7', ' ', ':', '\t', 'é', '€', '😀', '👍🏽', '\0') },
  { weight: 1, arbitrary: fc.constantFrom('\uFEFF', 'ü', '中') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const text = fc.array(char, { maxLength: 12 }).map((chars) => chars.join('').replace(/[\r\n]/g, ''));

const fieldName = fc.constantFrom('data', 'data', 'data', 'event', 'id', 'retry', 'foo', 'Data', 'dat', '');
const fieldLine = fc
  .record({ name: fieldName, colon: fc.boolean(), space: fc.boolean(), value: text })
  .map(({ name, colon, space, value }) => (colon ? `${name}:${space ? ' ' : ''}${value}` : name));
const retryLine = fc.oneof(
  fc.nat({ max: 100_000 }).map((n) => `retry: ${n}`),
  fc.stringMatching(/^retry:[0-9a-z ]{0,4}$/),
);
const commentLine = text.map((value) => `:${value}`);
const line = fc.oneof(
  { weight: 6, arbitrary: fieldLine },
  { weight: 1, arbitrary: retryLine },
  { weight: 1, arbitrary: commentLine },
  { weight: 3, arbitrary: fc.constant('') },
);
const lineEnd = fc.constantFrom('\n', '\r', '\r\n');

/** A random stream as UTF-8 bytes. */
export const stream = fc
  .record({
    bom: fc.boolean(),
    lines: fc.array(fc.tuple(line, lineEnd), { maxLength: 40, size: 'medium' }),
    tail: fc.option(line, { nil: undefined }),
  })
  .map(({ bom, lines, tail }) =>
    utf8(`${bom ? '\uFEFF' : ''}${lines.map(([l, end]) => l + end).join('')}${tail ?? ''}`),
  );
