/**
 * URLs as sse-machine shows them in messages, errors, metrics and the CLI: without the query, the
 * fragment or credentials, which is where API keys and tokens travel (`?token=…`, `user:pass@`).
 * Scheme, host, port and path stay, so an error still says which endpoint failed.
 *
 * @module
 */

/**
 * What a redacted part is replaced with, so a reader can tell that something was there.
 *
 * @example
 * ```ts
 * redactUrl('https://api.example.com/v1/stream?token=abc'); // 'https://api.example.com/v1/stream?…'
 * ```
 */
export const REDACTED = '…';

/**
 * `url` without its query, fragment and credentials: `https://user:pw@host/p?token=x#y` becomes
 * `https://…@host/p?…#…`. Text that does not parse as a URL is cut the same way by hand (a
 * TypeError about an unparsable URL must not echo its query either).
 *
 * @example
 * ```ts
 * redactUrl('http://127.0.0.1:8080/events?key=s3cret'); // 'http://127.0.0.1:8080/events?…'
 * redactUrl('http://127.0.0.1:8080/events'); // unchanged
 * ```
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  // Nothing to hide: returned exactly as given (no normalisation).
  if (!/[?#@]/.test(text)) return text;
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) return redactText(text);
  const credentials = parsed.username !== '' || parsed.password !== '';
  const authority = `${parsed.protocol}//${credentials ? `${REDACTED}@` : ''}${parsed.host}`;
  // `URL` normalises `?` alone to an empty search: keep the marker only when there was a query.
  const query = parsed.search !== '' || text.includes('?') ? `?${REDACTED}` : '';
  const fragment = parsed.hash !== '' ? `#${REDACTED}` : '';
  return parsed.protocol === 'http:' || parsed.protocol === 'https:'
    ? `${authority}${parsed.pathname}${query}${fragment}`
    : redactText(text);
}

/** The textual cut, for strings `URL` cannot parse (or non-http schemes). */
function redactText(text: string): string {
  let out = text;
  const hash = out.indexOf('#');
  if (hash !== -1) out = `${out.slice(0, hash)}#${REDACTED}`;
  const query = out.indexOf('?');
  if (query !== -1) out = `${out.slice(0, query)}?${REDACTED}${hash !== -1 ? `#${REDACTED}` : ''}`;
  // scheme://userinfo@ → scheme://…@ (userinfo ends at the first / ? # after the scheme).
  return out.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, `$1${REDACTED}@`);
}

// Any http(s) URL inside free text (an error message, a cause's message), up to whitespace or a
// quote. Only URLs carrying a query, fragment or credentials are rewritten.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;

/**
 * `text` with every http(s) URL in it redacted by {@link redactUrl}. Used on every `SseError`
 * message and cause, so a message built anywhere (a transport, the stream actor, an app's own
 * transport) cannot carry a query token out.
 *
 * @example
 * ```ts
 * redactUrlsIn('request to https://x.test/s?token=abc failed'); // 'request to https://x.test/s?… failed'
 * ```
 */
export function redactUrlsIn(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (url) => (/[?#@]/.test(url) ? redactUrl(url) : url));
}
