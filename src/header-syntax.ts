/**
 * What an HTTP request header may hold, in one place: the token rule for names (and methods), the
 * characters no transport sends, and the headers the transport or the runtime owns. Options are
 * checked against it at creation, so a mistake is one `TypeError` instead of a failure on every
 * attempt.
 *
 * @module
 */

/**
 * An RFC 9110 token (§5.6.2): what a header name or a method must be.
 *
 * @example
 * ```ts
 * HTTP_TOKEN.test('X-Api-Key'); // true
 * HTTP_TOKEN.test('X Api Key'); // false: a space is not a token character
 * ```
 */
export const HTTP_TOKEN: RegExp = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A character no header value can carry through undici or `node:http`: C0 controls except
 * horizontal tab, and DEL. (Fetch in browsers refuses only NUL, CR and LF; undici refuses them all.)
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
export const HEADER_VALUE_CONTROL: RegExp = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Request headers the user may not set: connection management belongs to the transport (undici
 * throws `invalid transfer-encoding header` and the like, fetch drops them silently), and
 * `content-length` is computed from the body.
 *
 * @example
 * ```ts
 * FORBIDDEN_REQUEST_HEADERS.has('transfer-encoding'); // true
 * ```
 */
export const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `U+0001` for a character, as messages name them. */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a request header cannot be sent, as a sentence that says what to write instead, or
 * `undefined` when it can. The value is never quoted: it may be a secret.
 *
 * @example
 * ```ts
 * headerProblem('x-token', 'a\u0001b'); // 'header "x-token" has control character U+0001 in its value: …'
 * headerProblem('authorization', 'Bearer abc'); // undefined
 * ```
 */
export function headerProblem(name: unknown, value: unknown): string | undefined {
  const quoted = JSON.stringify(String(name));
  if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
    return `header name ${quoted} is not an HTTP token: use letters, digits and !#$%&'*+-.^_\`|~ (e.g. "x-api-key")`;
  }
  const lower = name.toLowerCase();
  if (FORBIDDEN_REQUEST_HEADERS.has(lower)) {
    return `header ${quoted} cannot be set: ${lower === 'host' ? 'the host comes from the URL' : 'the transport manages it'}; remove it`;
  }
  if (typeof value !== 'string') return `header ${quoted} must have a string value: pass String(value)`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls, and chars no header byte can hold
  const bad = /[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]/.exec(value)?.[0];
  if (bad === undefined) return undefined;
  return (bad.codePointAt(0) ?? 0) > 0xff
    ? `header ${quoted} has ${codePoint(bad)} in its value, beyond what a header byte holds: send its UTF-8 bytes (toByteString) or encodeURIComponent it`
    : `header ${quoted} has control character ${codePoint(bad)} in its value (a header can carry no NUL, CR or LF, nor other control characters): remove it, or encodeURIComponent the value`;
}
