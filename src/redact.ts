/**
 * What of a URL may appear in messages, snapshots, traces and metrics: scheme, host and path. The
 * query (`?token=…`), the fragment and any `user:password@` are secrets more often than not.
 *
 * @module
 */

/**
 * The URL without query, fragment or credentials; a string that is not a URL is returned as
 * `'<invalid URL>'` (it may itself be a secret).
 *
 * @example
 * ```ts
 * redactUrl('https://api.example.com/stream?token=abc#x'); // 'https://api.example.com/stream'
 * ```
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '<invalid URL>';
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
