/**
 * Through a real forward proxy (Debian's tinyproxy): the library's `proxy` option (a URL, and
 * `'env'` reading HTTP_PROXY/HTTPS_PROXY/NO_PROXY and their lower-case names), for an http target
 * (a proxied request: tinyproxy adds `Via`) and an https target (a CONNECT tunnel: tinyproxy logs
 * it; the target's certificate comes from a private CA), and the CLI's `--proxy`, `--noproxy` and
 * the proxy variables, like curl.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseClientOptions } from '../../src/index.js';
import { ensureBuilt, runCli } from '../cli/run-cli.js';
import { openssl, skipWithout, tinyproxy } from '../helpers/system-deps.js';
import { createPrivateCa, type PrivateCa } from './private-ca.js';
import { startTinyproxy, type Tinyproxy } from './tinyproxy.js';

const skip = skipWithout(tinyproxy) || skipWithout(openssl);

/** One event saying how the request arrived: the `Via` header the proxy added, or `direct`. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const via = req.headers.via;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(`id: 1\ndata: ${typeof via === 'string' ? `via ${via}` : 'direct'}\n\n`);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

let proxy: Tinyproxy;
let ca: PrivateCa;
let httpServer: Server;
let httpsServer: Server;
let httpUrl: string;
let httpsUrl: string;
const clients: SseClient[] = [];

beforeAll(async () => {
  if (skip) return;
  ensureBuilt();
  ca = createPrivateCa();
  proxy = await startTinyproxy();
  httpServer = createHttpServer(answer);
  httpsServer = createHttpsServer({ key: ca.key, cert: ca.cert }, answer);
  httpUrl = `http://127.0.0.1:${await listen(httpServer)}/events`;
  httpsUrl = `https://127.0.0.1:${await listen(httpsServer)}/events`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  if (skip) return;
  for (const server of [httpServer, httpsServer]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await proxy.stop();
  ca.remove();
});

/** The data of the first event, or the first error's code and message. */
function firstEvent(url: string, options: SseClientOptions): Promise<string> {
  const client = createSseClient(url, { reconnect: { strategy: 'none' }, ...options });
  clients.push(client);
  return new Promise((resolve) => {
    client.on('message', (event) => resolve(event.data));
    client.on('error', (error) => resolve(`error ${error.code}: ${error.message}`));
  });
}

/** Run `body` with the proxy variables set to `vars` (and every other proxy variable unset). */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const names = [
    'http_proxy',
    'HTTP_PROXY',
    'https_proxy',
    'HTTPS_PROXY',
    'no_proxy',
    'NO_PROXY',
    'NODE_USE_ENV_PROXY',
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  for (const name of names) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

/** What tinyproxy puts in `Via`: `1.1 <its host name> (tinyproxy/1.11.1)`. */
const VIA = /^via 1\.1 \S+ \(tinyproxy\//;

describe.skipIf(skip)('library: the proxy option', () => {
  it('proxy: URL sends an http request through the proxy (Via: tinyproxy)', async () => {
    expect(await firstEvent(httpUrl, { proxy: proxy.url })).toMatch(VIA);
  });

  it('proxy: URL tunnels an https request with CONNECT, trusting the private CA via tls.ca', async () => {
    const port = new URL(httpsUrl).port;
    expect(await firstEvent(httpsUrl, { proxy: proxy.url, tls: { ca: ca.ca } })).toBe('direct');
    // Inside a tunnel the target sees no proxy header; the proxy's log shows the CONNECT.
    await proxy.waitForLog(new RegExp(`CONNECT 127\\.0\\.0\\.1:${port} `));
  });

  it("proxy: 'env' reads HTTP_PROXY, and http_proxy (lower case) wins over it", async () => {
    await withEnv({ HTTP_PROXY: proxy.url }, async () => {
      expect(await firstEvent(httpUrl, { proxy: 'env' })).toMatch(VIA);
    });
    await withEnv({ http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' }, async () => {
      expect(await firstEvent(httpUrl, { proxy: 'env' })).toMatch(VIA);
    });
  });

  it("proxy: 'env' reads HTTPS_PROXY for https targets", async () => {
    await withEnv({ HTTPS_PROXY: proxy.url }, async () => {
      expect(await firstEvent(httpsUrl, { proxy: 'env', tls: { ca: ca.ca } })).toBe('direct');
      await proxy.waitForLog(new RegExp(`CONNECT 127\\.0\\.0\\.1:${new URL(httpsUrl).port} `));
      // HTTPS_PROXY alone does not proxy http targets.
      expect(await firstEvent(httpUrl, { proxy: 'env' })).toBe('direct');
    });
  });

  it('NO_PROXY (and the noProxy option) bypass the proxy for matching hosts', async () => {
    await withEnv({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }, async () => {
      expect(await firstEvent(httpUrl, { proxy: 'env' })).toBe('direct');
      // The option replaces the variable.
      expect(await firstEvent(httpUrl, { proxy: 'env', noProxy: 'example.com' })).toMatch(VIA);
    });
    expect(await firstEvent(httpUrl, { proxy: proxy.url, noProxy: '127.0.0.1' })).toBe('direct');
  });

  it("the default ignores the variables (like undici and Node's fetch) unless NODE_USE_ENV_PROXY=1", async () => {
    await withEnv({ HTTP_PROXY: proxy.url }, async () => {
      expect(await firstEvent(httpUrl, {})).toBe('direct');
    });
    await withEnv({ HTTP_PROXY: proxy.url, NODE_USE_ENV_PROXY: '1' }, async () => {
      expect(await firstEvent(httpUrl, {})).toMatch(VIA);
    });
    await withEnv({ HTTP_PROXY: proxy.url, NODE_USE_ENV_PROXY: '1' }, async () => {
      expect(await firstEvent(httpUrl, { proxy: false })).toBe('direct');
    });
  });

  it('a proxy that refuses the connection is a NETWORK error, retried like any other', async () => {
    expect(await firstEvent(httpUrl, { proxy: 'http://127.0.0.1:9' })).toMatch(/^error NETWORK: /);
  });

  it('rejects malformed options at once, with what was wrong', () => {
    expect(() => createSseClient(httpUrl, { proxy: 'not a url', autoConnect: false })).toThrow(
      'sse-machine: proxy is not a URL: pass http://host:port',
    );
    expect(() => createSseClient(httpUrl, { proxy: 'socks5://127.0.0.1:1', autoConnect: false })).toThrow(
      'sse-machine: proxy must be an http: or https: URL, got socks5:',
    );
    expect(() =>
      createSseClient(httpUrl, { proxy: proxy.url, dispatcher: { dispatch() {} }, autoConnect: false }),
    ).toThrow('sse-machine: proxy and dispatcher cannot be combined');
  });
});

describe.skipIf(skip)('CLI: proxies like curl', () => {
  async function tail(
    args: string[],
    env: Record<string, string | undefined>,
  ): Promise<{ code: number | null; out: string; err: string }> {
    const run = runCli(['tail', ...args, '--count', '1', '--reconnect', 'none', '-q'], {
      http_proxy: undefined,
      HTTP_PROXY: undefined,
      https_proxy: undefined,
      HTTPS_PROXY: undefined,
      no_proxy: undefined,
      NO_PROXY: undefined,
      ...env,
    });
    const code = await run.exited;
    return { code, out: run.stdout(), err: run.stderr() };
  }

  it('honours HTTP_PROXY and http_proxy without a flag', async () => {
    expect(await tail([httpUrl], { HTTP_PROXY: proxy.url })).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^\[message\] 1 via 1\.1 \S+ \(tinyproxy\//),
    });
    expect(await tail([httpUrl], { http_proxy: proxy.url })).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^\[message\] 1 via 1\.1 \S+ \(tinyproxy\//),
    });
  });

  it('honours HTTPS_PROXY with CONNECT, with --cacert for the private CA', async () => {
    const result = await tail([httpsUrl, '--cacert', ca.caFile], { HTTPS_PROXY: proxy.url });
    expect(result).toMatchObject({ code: 0, out: '[message] 1 direct\n' });
  });

  it('--proxy URL and --proxy "" (none), --noproxy and NO_PROXY', async () => {
    expect((await tail([httpUrl, '--proxy', proxy.url], {})).out).toMatch(
      /^\[message\] 1 via 1\.1 \S+ \(tinyproxy\//,
    );
    expect((await tail([httpUrl, '--proxy', ''], { HTTP_PROXY: proxy.url })).out).toBe(
      '[message] 1 direct\n',
    );
    expect((await tail([httpUrl, '--noproxy', '127.0.0.1'], { HTTP_PROXY: proxy.url })).out).toBe(
      '[message] 1 direct\n',
    );
    expect((await tail([httpUrl], { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' })).out).toBe(
      '[message] 1 direct\n',
    );
    expect((await tail([httpUrl], { HTTP_PROXY: proxy.url, no_proxy: '*' })).out).toBe(
      '[message] 1 direct\n',
    );
  });

  it('a malformed --proxy or HTTP_PROXY is a usage error (exit 2)', async () => {
    const flag = await tail([httpUrl, '--proxy', 'nope'], {});
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('--proxy expects an http:// or https:// URL (or \'\' for none), got "nope"');
    const env = await tail([httpUrl], { HTTP_PROXY: 'nope' });
    expect(env.code).toBe(2);
    expect(env.err).toContain('HTTP_PROXY is not a URL');
  });
});
