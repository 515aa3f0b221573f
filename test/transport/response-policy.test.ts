/**
 * The response policy's header readers, as pure functions (the status table itself is exercised
 * against a real server in test/integration/status-policy.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { MAX_DELAY } from '../../src/backoff.js';
import { judgeResponse, mimeEssence, parseRetryAfter } from '../../src/transport/response-policy.js';

describe('mimeEssence', () => {
  it.each([
    ['text/event-stream', 'text/event-stream'],
    ['Text/Event-Stream; charset=utf-16', 'text/event-stream'],
    ['  text/event-stream  ;foo=bar', 'text/event-stream'],
    // A repeated header arrives joined by ", ": the last value that parses wins (Fetch).
    ['text/plain, text/event-stream', 'text/event-stream'],
    ['text/event-stream, text/plain', 'text/plain'],
    ['text/event-stream; foo="a,b"', 'text/event-stream'],
    ['text/event-stream, garbage', 'text/event-stream'],
    ['garbage', ''],
    ['', ''],
  ])('%j → %j', (header, essence) => {
    expect(mimeEssence(header)).toBe(essence);
  });

  it('names the header as sent when it is no MIME type at all', () => {
    const verdict = judgeResponse(200, { 'content-type': 'garbage' }, 'http://sse.test/', 1);
    expect(verdict.accepted).toBe(false);
    if (!verdict.accepted) expect(verdict.error.message).toContain('got "garbage"');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 0); // 37 s before the RFC's example date

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime (always GMT, whatever the local zone)', 'Sun Nov  6 08:49:37 1994'],
  ])('reads an HTTP date in %s form', (_form, date) => {
    expect(parseRetryAfter(date, now)).toBe(37_000);
  });

  it('treats a date in the past as "now"', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:00:00 GMT', now)).toBe(0);
  });

  it.each(['soon', 'soon 2099', '1.5', '-1', 'tomorrow', '2099-01-01', 'Sun, 06 Nov 2099'])(
    'ignores %j rather than reading it as some date',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});

describe('hostile Retry-After (issue 13, point 1)', () => {
  it('400 digits is the longest timer, never Infinity', () => {
    expect(parseRetryAfter('9'.repeat(400))).toBe(MAX_DELAY);
    expect(parseRetryAfter(String(2 ** 40))).toBe(MAX_DELAY);
  });

  it('garbage, empty, negative and impossible dates are undefined: the policy decides', () => {
    for (const value of [
      '',
      '   ',
      '-5',
      '1e9',
      'Infinity',
      'NaN',
      '0x10',
      'Mon, 99 Foo 2026 99:99:99 GMT',
      'Mon, 01 Jan 999999 00:00:00 GMT',
      'soon 2099',
    ]) {
      expect(parseRetryAfter(value), value).toBeUndefined();
    }
  });

  it('a date in the past is 0; a date far in the future is capped', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(0);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT')).toBe(MAX_DELAY);
  });

  it('a 503 with a 400-digit Retry-After carries a finite retryAfter', () => {
    const verdict = judgeResponse(503, { 'retry-after': '9'.repeat(400) }, 'http://x.test/', 1);
    expect(verdict.accepted).toBe(false);
    if (!verdict.accepted) expect(verdict.error.retryAfter).toBe(MAX_DELAY);
  });
});
