/**
 * Which undici dispatcher a Node client uses, from the connection options that need no undici
 * import: `proxy`, `noProxy`, `tls` and `http2`. Node build only (the fetch build has its own
 * platform answers: browsers and Deno/Bun read proxies and CAs from the system or the environment).
 *
 * Dispatchers are shared: one per distinct configuration (and, for `'env'`, per value of the proxy
 * variables), created on first use, so every client with the same options shares one pool of
 * connections — with `http2`, one HTTP/2 connection per origin.
 *
 * @module
 */
import { Agent, Dispatcher, EnvHttpProxyAgent } from 'undici';
import type { ConnectionOptions, TlsOptions } from './connection-options.js';
import { DEFAULT_AGENT_OPTIONS } from './undici.js';

export type { ConnectionOptions, ProxyOption, TlsOptions } from './connection-options.js';

/**
 * Streams an HTTP/2 connection carries before the pool opens another (undici's `pipelining`). High
 * on purpose: past it, every request that arrives while the next connection is still being made
 * opens one more (measured: 200 streams with a limit of 100 gave 101 connections), so one connection
 * per origin, as in a browser, is the dependable shape. Streams beyond the server's
 * `SETTINGS_MAX_CONCURRENT_STREAMS` (nginx: 128; node:http2: unlimited) wait for a free slot, as they
 * do in a browser: raise the server's limit, or pass your own `dispatcher`.
 */
export const HTTP2_STREAMS_PER_CONNECTION = 1000;

const shared = new Map<string, Dispatcher>();

function fail(message: string): never {
  throw new TypeError(`sse-machine: ${message}`);
}

function checkProxyUrl(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${from} is not a URL: pass http://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`${from} must be an http: or https: URL, got ${url.protocol}`);
  }
  return url.href;
}

function tlsKey(tls: TlsOptions | undefined): unknown {
  if (tls === undefined) return undefined;
  const { ca, rejectUnauthorized } = tls;
  const list = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  return {
    ca: list.map((item: string | Uint8Array) =>
      typeof item === 'string' ? item : Buffer.from(item).toString(),
    ),
    rejectUnauthorized,
  };
}

function validate(options: ConnectionOptions): void {
  const { proxy, noProxy, tls, http2 } = options;
  if (
    proxy !== undefined &&
    proxy !== false &&
    proxy !== 'env' &&
    typeof proxy !== 'string' &&
    !(proxy instanceof URL)
  ) {
    fail("proxy must be 'env', a proxy URL, or false");
  }
  if (typeof proxy === 'string' && proxy !== 'env') checkProxyUrl(proxy, 'proxy');
  if (noProxy !== undefined && typeof noProxy !== 'string')
    fail('noProxy must be a string (NO_PROXY syntax)');
  if (http2 !== undefined && typeof http2 !== 'boolean') fail('http2 must be a boolean');
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) fail('tls must be an object: { ca?, rejectUnauthorized? }');
    if (tls.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== 'boolean') {
      fail('tls.rejectUnauthorized must be a boolean');
    }
    const list = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
    for (const item of list) {
      if (typeof item !== 'string' && !(item instanceof Uint8Array)) {
        fail('tls.ca must be PEM text or bytes (or a list of them): readFileSync("ca.pem")');
      }
    }
  }
}

/**
 * @internal The shared dispatcher for `options`, or `undefined` when none of them asks for anything (the
 * transport's default agent then serves). Throws `TypeError` for a malformed option.
 *
 * @param env the environment `'env'` reads (`process.env`), a parameter for tests and the CLI
 *
 * @example
 * ```ts
 * // Through the proxy of the environment, trusting a private CA:
 * createSseClient(url, { proxy: 'env', tls: { ca: readFileSync('ca.pem') } });
 * ```
 */
export function selectDispatcher(
  options: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Dispatcher | undefined {
  validate(options);
  const { noProxy, tls, http2 = false } = options;
  const proxy = options.proxy ?? (env.NODE_USE_ENV_PROXY === '1' ? 'env' : false);

  let httpProxy: string | undefined;
  let httpsProxy: string | undefined;
  let bypass: string | undefined = noProxy;
  if (proxy === 'env') {
    // curl reads the lower-case names first (and only lower-case http_proxy, for CGI safety; undici
    // and Node accept HTTP_PROXY too, and so do we: the library is not a CGI script).
    const http = env.http_proxy || env.HTTP_PROXY || undefined;
    const https = env.https_proxy || env.HTTPS_PROXY || undefined;
    httpProxy = http === undefined ? undefined : checkProxyUrl(http, 'HTTP_PROXY');
    httpsProxy = https === undefined ? undefined : checkProxyUrl(https, 'HTTPS_PROXY');
    bypass ??= env.no_proxy ?? env.NO_PROXY ?? '';
  } else if (proxy !== false) {
    httpProxy = httpsProxy = checkProxyUrl(String(proxy), 'proxy');
    bypass ??= '';
  }
  const proxied = httpProxy !== undefined || httpsProxy !== undefined;
  if (!proxied && tls === undefined && !http2) return undefined;

  const key = JSON.stringify({
    httpProxy,
    httpsProxy,
    bypass: proxied ? bypass : undefined,
    tls: tlsKey(tls),
    http2,
  });
  let dispatcher = shared.get(key);
  if (dispatcher !== undefined) return dispatcher;

  const connect = tls === undefined ? undefined : toConnectOptions(tls);
  const agentOptions: Agent.Options = {
    ...DEFAULT_AGENT_OPTIONS,
    ...(connect === undefined ? {} : { connect }),
    ...(http2 ? { allowH2: true, pipelining: HTTP2_STREAMS_PER_CONNECTION } : {}),
  };
  if (proxied) {
    // EnvHttpProxyAgent routes by scheme and NO_PROXY; given the proxies explicitly it reads no
    // variable itself. `requestTls` is the TLS to the target inside the CONNECT tunnel.
    // `proxyTunnel: false`: an http target is sent to the proxy as a plain request with an absolute
    // URL, as curl and browsers do; undici's default tunnels it with CONNECT, which proxies commonly
    // allow to port 443 only (squid's default `http_access deny CONNECT !SSL_ports`).
    dispatcher = new EnvHttpProxyAgent({
      ...agentOptions,
      proxyTunnel: false,
      ...(connect === undefined ? {} : { requestTls: connect }),
      // '' rather than undefined: undici would fall back to process.env for a missing one.
      httpProxy: httpProxy ?? '',
      httpsProxy: httpsProxy ?? '',
      noProxy: bypass ?? '',
    });
  } else {
    dispatcher = http2 ? new FirstConnectionFirst(new Agent(agentOptions)) : new Agent(agentOptions);
  }
  shared.set(key, dispatcher);
  return dispatcher;
}

function toConnectOptions(tls: TlsOptions): { ca?: (string | Buffer)[]; rejectUnauthorized?: boolean } {
  const list = tls.ca === undefined ? undefined : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  return {
    ...(list === undefined
      ? {}
      : {
          ca: list.map((item: string | Uint8Array) => (typeof item === 'string' ? item : Buffer.from(item))),
        }),
    ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
  };
}

type DispatchArgs = Parameters<Dispatcher['dispatch']>;

/**
 * Holds the requests to an origin while its first connection is being made, then lets them go.
 *
 * Why: an undici client counts as busy while its first request waits for the connection, so a pool
 * given several requests at once opens one connection per request before it can learn (by ALPN)
 * that one HTTP/2 connection would carry them all: 8 streams started together opened 8 sessions.
 * Limiting the pool to one connection instead (`connections: 1`) starves an HTTP/1.1 server's
 * streams behind the first, never-ending response. Waiting for the first connection gives both:
 * h2 streams join it; h1 requests, each marked `reset`, find it busy and open their own.
 */
class FirstConnectionFirst extends Dispatcher {
  readonly #inner: Agent;
  /** Origins whose first connection is under way, with the requests waiting for it. */
  readonly #waiting = new Map<string, DispatchArgs[]>();
  /** Origins with an open connection: requests go straight through. */
  readonly #open = new Set<string>();

  constructor(inner: Agent) {
    super();
    this.#inner = inner;
    const settle = (origin: URL, connected: boolean): void => {
      const key = origin.origin;
      if (connected) this.#open.add(key);
      const queued = this.#waiting.get(key);
      if (queued === undefined) return;
      this.#waiting.delete(key);
      // After the client has written its own first request (it resumes right after emitting
      // 'connect'), so that it is no longer busy when these arrive.
      queueMicrotask(() => {
        for (const args of queued) this.#inner.dispatch(...args);
      });
    };
    inner.on('connect', (origin) => settle(origin, true));
    inner.on('connectionError', (origin) => settle(origin, false));
    inner.on('disconnect', (origin) => {
      this.#open.delete(origin.origin);
    });
  }

  override dispatch(...args: DispatchArgs): boolean {
    const key = new URL(String(args[0].origin)).origin;
    if (this.#open.has(key)) return this.#inner.dispatch(...args);
    const queued = this.#waiting.get(key);
    if (queued !== undefined) {
      queued.push(args);
      return true;
    }
    this.#waiting.set(key, []);
    return this.#inner.dispatch(...args);
  }

  override close(...args: Parameters<Dispatcher['close']>): ReturnType<Dispatcher['close']> {
    return (this.#inner.close as (...a: unknown[]) => ReturnType<Dispatcher['close']>)(...args);
  }

  override destroy(...args: Parameters<Dispatcher['destroy']>): ReturnType<Dispatcher['destroy']> {
    return (this.#inner.destroy as (...a: unknown[]) => ReturnType<Dispatcher['destroy']>)(...args);
  }
}
