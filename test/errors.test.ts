/**
 * `SseError`: URLs redacted wherever they enter (issue 13, point 6), response headers kept live and
 * serialized without credentials (issue 15, point 3), `instanceof` across copies of the package.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_RESPONSE_HEADERS, isSseError, SseError } from '../src/errors.js';
import { redactUrl, redactUrlsIn } from '../src/redact.js';
import { judgeResponse } from '../src/transport/response-policy.js';

const SECRET = 's3cr3t-t0ken';
const URL_WITH_TOKEN = `https://api.example.com:8443/v1/stream?token=${SECRET}&x=1#frag-${SECRET}`;

describe('redactUrl', () => {
  it.each([
    [URL_WITH_TOKEN, 'https://api.example.com:8443/v1/stream?…#…'],
    [`https://user:${SECRET}@example.com/p`, 'https://…@example.com/p'],
    ['http://127.0.0.1:8080/events', 'http://127.0.0.1:8080/events'],
    ['http://127.0.0.1:8080/events?', 'http://127.0.0.1:8080/events?…'],
    // Unparsable: cut by hand, the query still goes.
    [`http://[bad/events?token=${SECRET}`, 'http://[bad/events?…'],
    [`not a url ?token=${SECRET}`, 'not a url ?…'],
    [`ftp://u:${SECRET}@h/x?y`, 'ftp://…@h/x?…'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    expect(redactUrl(input)).not.toContain(SECRET);
  });

  it('redactUrlsIn rewrites every http(s) URL with a query inside free text', () => {
    const text = `request to ${URL_WITH_TOKEN} failed; see http://a.test/ok and HTTP://B.TEST/x?k=${SECRET}`;
    const out = redactUrlsIn(text);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('http://a.test/ok');
    expect(out).toContain('https://api.example.com:8443/v1/stream?…');
  });
});

describe('SseError keeps no secret in message, url, cause or toJSON()', () => {
  it('a message and url with a token are stored redacted', () => {
    const cause = new Error(`connect ECONNREFUSED while fetching ${URL_WITH_TOKEN}`);
    const error = new SseError('NETWORK', `request to ${URL_WITH_TOKEN} failed`, {
      url: URL_WITH_TOKEN,
      cause,
    });
    expect(error.message).not.toContain(SECRET);
    expect(error.url).toBe('https://api.example.com:8443/v1/stream?…#…');
    const json = JSON.stringify(error.toJSON());
    expect(json).not.toContain(SECRET);
    expect(error.toJSON().cause).toContain('ECONNREFUSED');
    // Rebuilt from a snapshot: still clean.
    expect(JSON.stringify(SseError.from(error.toJSON()).toJSON())).not.toContain(SECRET);
  });
});

describe('SseError.headers (issue 15, point 3)', () => {
  const headers = {
    'www-authenticate': 'Bearer realm="api", error="invalid_token"',
    'ratelimit-remaining': '0',
    'retry-after': '30',
    'set-cookie': `session=${SECRET}; HttpOnly`,
    'set-cookie2': `old=${SECRET}`,
    'authentication-info': `rspauth="${SECRET}"`,
  };

  it.each([
    [401, 'HTTP_STATUS'],
    [429, 'HTTP_STATUS'],
    [503, 'HTTP_STATUS'],
    [204, 'NO_CONTENT'],
  ] as const)('a %i response error carries every header live', (status, code) => {
    const verdict = judgeResponse(status, headers, URL_WITH_TOKEN, 1);
    expect(verdict.accepted).toBe(false);
    if (verdict.accepted) return;
    expect(verdict.error.code).toBe(code);
    expect(verdict.error.headers).toEqual(headers);
    expect(verdict.error.url).not.toContain(SECRET);
  });

  it('a bad content type carries them too', () => {
    const verdict = judgeResponse(
      200,
      { 'content-type': 'text/html', 'x-request-id': 'r1' },
      URL_WITH_TOKEN,
      1,
    );
    if (verdict.accepted) throw new Error('accepted');
    expect(verdict.error.code).toBe('BAD_CONTENT_TYPE');
    expect(verdict.error.headers?.['x-request-id']).toBe('r1');
  });

  it('toJSON() leaves the credential headers out and keeps the challenges', () => {
    const verdict = judgeResponse(401, headers, URL_WITH_TOKEN, 1);
    if (verdict.accepted) throw new Error('accepted');
    const json = verdict.error.toJSON();
    expect(json.headers).toEqual({
      'www-authenticate': headers['www-authenticate'],
      'ratelimit-remaining': '0',
      'retry-after': '30',
    });
    expect(JSON.stringify(json)).not.toContain(SECRET);
    for (const name of ['set-cookie', 'set-cookie2', 'authorization', 'proxy-authorization', 'cookie']) {
      expect(CREDENTIAL_RESPONSE_HEADERS.has(name)).toBe(true);
    }
    expect(SseError.from(json).headers).toEqual(json.headers);
  });

  it('an error without a response has no headers, and none in toJSON()', () => {
    const error = new SseError('NETWORK', 'boom');
    expect(error.headers).toBeUndefined();
    expect('headers' in error.toJSON()).toBe(false);
  });
});

describe('instanceof across copies of the package', () => {
  it('an SseError of another module instance is instanceof this SseError, and back', async () => {
    // A query makes Vite load a second, independent instance of the module: a duplicate install.
    const specifier = '../src/errors.js?copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../src/errors.js');
    expect(copy.SseError).not.toBe(SseError);
    const foreign = new copy.SseError('NETWORK', 'from the other copy');
    expect(foreign instanceof SseError).toBe(true);
    expect(new SseError('NETWORK', 'x') instanceof copy.SseError).toBe(true);
    expect(isSseError(foreign)).toBe(true);
    expect(new Error('plain') instanceof SseError).toBe(false);
    expect({ code: 'NETWORK' } instanceof SseError).toBe(false);
    expect((null as unknown as object) instanceof SseError).toBe(false);
  });
});
