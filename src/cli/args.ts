/**
 * Command-line parsing for `sse-machine`: `util.parseArgs` plus the conversions and checks the
 * library's options need. Every mistake is a {@link UsageError} (exit code 2), never a stack trace.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MAX_DELAY, type ReconnectStrategy } from '../backoff.js';
import { toByteString } from '../byte-string.js';
import type { SseClientOptions } from '../client.js';
import { codePoint, HEADER_VALUE_CONTROL, HTTP_TOKEN } from '../header-syntax.js';
import { parseHttpUrl } from '../http-url.js';
import { printableJson } from './format.js';

/** A mistake on the command line: the CLI prints the message and the usage, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What `sse-machine tail` was asked to do. */
export interface TailCommand {
  readonly command: 'tail';
  readonly url: string;
  readonly options: SseClientOptions;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Show the server's comment lines (keep-alives) on stderr. */
  readonly comments: boolean;
  /** Exit after this many events. */
  readonly count: number | undefined;
  /** Stop after this long (ms). */
  readonly timeout: number | undefined;
  /** Write inspection events (JSON Lines) to this file. */
  readonly trace: string | undefined;
}

/** What `sse-machine demo` was asked to do. */
export interface DemoCommand {
  readonly command: 'demo';
  /** Total length the phases are scaled to (ms). */
  readonly duration: number;
  /** Port of the dashboard (0 = any free port). */
  readonly port: number;
}

/** Any parsed command line. */
export type Command =
  | TailCommand
  | DemoCommand
  | { readonly command: 'help' }
  | { readonly command: 'version' };

/** The text `--help` prints (and usage errors repeat). */
export const USAGE = `Usage:
  sse-machine tail <url> [options]   print the events of a Server-Sent Events stream
  sse-machine demo [--duration 2m]   run a local server and a client, inject faults, narrate
  sse-machine --help | --version

tail options:
  -H, --header 'Name: value'   request header (repeatable; a repeated name sends all its values)
  -X, --method METHOD          HTTP method (default GET, or POST with a body)
  -d, --data DATA              request body (not sent again once accepted, unless an id resumes)
      --data-file FILE         request body from a file ('-' = stdin)
      --event TYPE             print only events of this type (repeatable)
      --last-event-id ID       resume from this id (sent as Last-Event-ID)
      --reconnect STRATEGY     exponential | linear | fixed | immediate | none
      --max-attempts N         reconnects in a row before giving up (default: unlimited)
      --heartbeat-timeout T    reconnect when no byte arrives for T (default 45s; 0 = off)
      --connect-timeout T      give up an attempt without response headers after T (default 30s)
      --max-event-size BYTES   largest accepted event (default 16 MiB)
      --count N                exit after N events
      --timeout T              stop after T (exit 1 if --count was not reached by then)
      --trace FILE             write XState inspection events to FILE (JSON Lines)
      --json                   one JSON object per event: {"type","id","data"}
  -q, --quiet                  no connection status on stderr
      --comments               show the server's comment lines (keep-alives) on stderr
      --proxy URL              use this HTTP proxy (CONNECT for https); '' = none. Without it,
                               http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY apply, as in curl
      --noproxy LIST           hosts that bypass the proxy (NO_PROXY syntax; '*' = all);
                               replaces no_proxy/NO_PROXY
      --cacert FILE            trust the CA certificates in FILE (PEM) instead of the bundled ones
  -k, --insecure               accept any TLS certificate (for test servers only)
      --http2                  offer HTTP/2 (ALPN h2); HTTP/1.1 servers still work
Durations: 1500, 1500ms, 30s, 2m (a bare number is milliseconds), at most 2147483647 ms (24.8 days).

demo options:
      --duration T             total length; the phases scale with it (default 2m)
      --port N                 dashboard port (default: any free port)

Output: events go to stdout as "[type] id data" (id "-" when there is none; newlines and other
control characters shown escaped: \\n, \\u001b); connection states, reconnect delays and errors go
to stderr with timestamps.

Exit codes:
  0  closed normally: the stream ended, --count, --timeout, Ctrl-C, or stdout was closed (| head)
  1  failed: the connection gave up (the message names the SseError code, e.g. HTTP_STATUS)
  2  usage error: bad flag or URL, a control character in -H, an unwritable --trace file`;

const STRATEGIES: readonly ReconnectStrategy[] = ['exponential', 'linear', 'fixed', 'immediate', 'none'];

/**
 * Parse a duration: a bare number is ms; suffixes ms, s, m, h. At most {@link MAX_DELAY} (about
 * 24.8 days): node fires a longer timer after 1 ms.
 */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(`${flag} expects a duration such as 500ms, 30s or 2m, got ${printableJson(text)}`);
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unit);
  if (ms > MAX_DELAY) {
    throw new UsageError(
      `${flag} must be at most ${MAX_DELAY} ms (about 24.8 days), got ${printableJson(text)}`,
    );
  }
  return ms;
}

function parseWhole(flag: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(`${flag} expects a whole number ≥ ${min}, got ${printableJson(text)}`);
  }
  return Number(text);
}

/** Reject `text` (the argument of `flag`, sent as a header) when no header value can carry it. */
function checkSendable(flag: string, text: string): void {
  // What HTTP allows in a field value besides visible characters: space and horizontal tab. Any other
  // control character cannot be sent (CR/LF would even split the header): every attempt would fail.
  const bad = HEADER_VALUE_CONTROL.exec(text)?.[0];
  if (bad === undefined) return;
  const code = codePoint(bad);
  throw new UsageError(
    `${flag} cannot contain control character ${code} (no header can carry it), got ${printableJson(text)}`,
  );
}

/** `Name: value` → a pair; the name must be an HTTP token, the value free of control characters. */
export function parseHeader(text: string): [string, string] {
  // The whole text: trimming must not hide a CR or LF next to the colon.
  checkSendable('-H', text);
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!HTTP_TOKEN.test(name)) {
    throw new UsageError(`-H expects 'Name: value', got ${printableJson(text)}`);
  }
  return [name, toByteString(text.slice(colon + 1).trim())];
}

/**
 * Repeated names (case-insensitive) become one header with every value, as curl sends them:
 * joined with ", " (RFC 9110 §5.3), or "; " for Cookie (RFC 6265 §5.4). The first spelling wins.
 */
export function combineHeaders(pairs: readonly (readonly [string, string])[]): [string, string][] {
  const combined = new Map<string, [string, string]>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const seen = combined.get(key);
    if (seen === undefined) combined.set(key, [name, value]);
    else seen[1] = `${seen[1]}${key === 'cookie' ? '; ' : ', '}${value}`;
  }
  return [...combined.values()];
}

function checkUrl(text: string): string {
  const url = parseHttpUrl(text);
  // The problem quotes the URL (redacted) with JSON escapes; C1 controls and DEL too, for a terminal.
  if (typeof url === 'string')
    throw new UsageError(url.replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`));
  return url.href;
}

function parseTail(args: string[], readStdin: () => string): TailCommand {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      header: { type: 'string', short: 'H', multiple: true },
      method: { type: 'string', short: 'X' },
      data: { type: 'string', short: 'd' },
      'data-file': { type: 'string' },
      event: { type: 'string', multiple: true },
      'last-event-id': { type: 'string' },
      reconnect: { type: 'string' },
      'max-attempts': { type: 'string' },
      'heartbeat-timeout': { type: 'string' },
      'connect-timeout': { type: 'string' },
      'max-event-size': { type: 'string' },
      count: { type: 'string' },
      timeout: { type: 'string' },
      trace: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      comments: { type: 'boolean' },
      proxy: { type: 'string' },
      noproxy: { type: 'string' },
      cacert: { type: 'string' },
      insecure: { type: 'boolean', short: 'k' },
      http2: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'tail needs a URL' : `tail takes one URL, got ${positionals.length}`,
    );
  }
  const url = checkUrl(positionals[0] as string);
  if (values.data !== undefined && values['data-file'] !== undefined) {
    throw new UsageError('use either -d or --data-file, not both');
  }
  let body = values.data;
  if (values['data-file'] !== undefined) {
    const file = values['data-file'];
    try {
      body = file === '-' ? readStdin() : readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --data-file ${file}: ${(error as Error).message}`);
    }
  }
  const lastEventId = values['last-event-id'];
  if (lastEventId !== undefined) checkSendable('--last-event-id', lastEventId);
  const method = values.method ?? (body === undefined ? undefined : 'POST');
  if (method !== undefined && !HTTP_TOKEN.test(method)) {
    throw new UsageError(`-X expects an HTTP method, got ${printableJson(method)}`);
  }
  const strategy = values.reconnect;
  if (strategy !== undefined && !STRATEGIES.includes(strategy as ReconnectStrategy)) {
    throw new UsageError(
      `--reconnect expects one of ${STRATEGIES.join(', ')}, got ${printableJson(strategy)}`,
    );
  }
  const maxAttempts =
    values['max-attempts'] === undefined
      ? undefined
      : parseWhole('--max-attempts', values['max-attempts'], 0);
  const heartbeat = values['heartbeat-timeout'];
  const connect = values['connect-timeout'];
  const maxEventSize = values['max-event-size'];
  const options: SseClientOptions = {
    ...(method === undefined ? {} : { method: method.toUpperCase() }),
    ...(body === undefined ? {} : { body }),
    ...(values.header === undefined ? {} : { headers: combineHeaders(values.header.map(parseHeader)) }),
    ...(values.event === undefined ? {} : { events: values.event }),
    ...(lastEventId === undefined ? {} : { lastEventId }),
    ...(strategy === undefined && maxAttempts === undefined
      ? {}
      : {
          reconnect: {
            ...(strategy === undefined ? {} : { strategy: strategy as ReconnectStrategy }),
            ...(maxAttempts === undefined ? {} : { maxAttempts }),
          },
        }),
    // Without reconnection a stream the server ends is simply over: exit 0, not a failure.
    ...(strategy === 'none' ? { reconnectOnEnd: 'never' as const } : {}),
    ...(heartbeat === undefined ? {} : { heartbeatTimeout: parseDuration('--heartbeat-timeout', heartbeat) }),
    ...(connect === undefined ? {} : { connectTimeout: parseDuration('--connect-timeout', connect) }),
    ...(maxEventSize === undefined ? {} : { maxEventSize: parseWhole('--max-event-size', maxEventSize, 1) }),
    ...connectionFlags(values),
  };
  return {
    command: 'tail',
    url,
    options,
    json: values.json === true,
    quiet: values.quiet === true,
    comments: values.comments === true,
    count: values.count === undefined ? undefined : parseWhole('--count', values.count, 1),
    timeout: values.timeout === undefined ? undefined : parseDuration('--timeout', values.timeout),
    trace: values.trace,
  };
}

/**
 * `--proxy`, `--noproxy`, `--cacert`, `--insecure`, `--http2` as library options. Like curl, the
 * proxy variables apply unless `--proxy` says otherwise (`--proxy ''` = none).
 */
function connectionFlags(values: {
  proxy?: string | undefined;
  noproxy?: string | undefined;
  cacert?: string | undefined;
  insecure?: boolean | undefined;
  http2?: boolean | undefined;
}): Pick<SseClientOptions, 'proxy' | 'noProxy' | 'tls' | 'http2'> {
  const { proxy, noproxy, cacert, insecure, http2 } = values;
  if (proxy !== undefined && proxy !== '') {
    let url: URL | undefined;
    try {
      url = new URL(proxy);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UsageError(
        `--proxy expects an http:// or https:// URL (or '' for none), got ${printableJson(proxy)}`,
      );
    }
  }
  let ca: string | undefined;
  if (cacert !== undefined) {
    try {
      ca = readFileSync(cacert, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --cacert ${cacert}: ${(error as Error).message}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--cacert ${cacert} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
  }
  return {
    proxy: proxy === undefined ? 'env' : proxy === '' ? false : proxy,
    ...(noproxy === undefined ? {} : { noProxy: noproxy }),
    ...(ca === undefined && insecure !== true
      ? {}
      : {
          tls: {
            ...(ca === undefined ? {} : { ca }),
            ...(insecure === true ? { rejectUnauthorized: false } : {}),
          },
        }),
    ...(http2 === true ? { http2: true } : {}),
  };
}

function parseDemo(args: string[]): DemoCommand {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { duration: { type: 'string' }, port: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`demo takes no arguments, got ${positionals.join(' ')}`);
  const duration = values.duration === undefined ? 120_000 : parseDuration('--duration', values.duration);
  if (duration < 5000) throw new UsageError('--duration must be at least 5s: the phases need room');
  const port = values.port === undefined ? 0 : parseWhole('--port', values.port, 0);
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  return { command: 'demo', duration, port };
}

/**
 * Parse `process.argv.slice(2)`. Throws {@link UsageError} on any mistake.
 *
 * @example
 * ```ts
 * parseCommandLine(['tail', 'http://localhost:8080/events', '--json']);
 * ```
 */
export function parseCommandLine(
  args: string[],
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): Command {
  const [first, ...rest] = args;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help')
    return { command: 'help' };
  if (first === '-v' || first === '--version') return { command: 'version' };
  if (rest.includes('-h') || rest.includes('--help')) return { command: 'help' };
  try {
    if (first === 'tail') return parseTail(rest, readStdin);
    if (first === 'demo') return parseDemo(rest);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs reports unknown flags and missing values with a TypeError carrying a clear message.
    throw new UsageError((error as Error).message);
  }
  throw new UsageError(`unknown command ${printableJson(first)}: use tail or demo`);
}
