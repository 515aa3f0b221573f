/**
 * The one check that a URL can carry an event stream, shared by the client's options, the
 * `EventSource` facade and the CLI (each turns a problem into its own error type: `TypeError`,
 * `DOMException` `SyntaxError`, a usage error). Problems quote the URL redacted: no query.
 *
 * @module
 */
import { redactUrl } from './redact.js';

/**
 * `url` resolved against `base` when it is an absolute http(s) URL, or a sentence saying what is
 * wrong with it.
 *
 * @example
 * ```ts
 * parseHttpUrl('/events', 'https://app.test/'); // URL https://app.test/events
 * parseHttpUrl('ws://x.test/'); // 'unsupported URL scheme "ws:": use http: or https:'
 * ```
 */
export function parseHttpUrl(url: string | URL, base?: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return `invalid URL ${JSON.stringify(redactUrl(String(url)))}: pass an absolute http(s) URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `unsupported URL scheme ${JSON.stringify(parsed.protocol)}: use http: or https:`;
  }
  return parsed;
}
