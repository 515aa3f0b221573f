/**
 * HTTP/2 against a real `node:http2` secure server (h2 only, as a server without HTTP/1.1 fallback
 * is): with `http2: true`, many streams to one origin share one connection as in a browser; a
 * stream the server ends is resumed with Last-Event-ID on the same connection; `close()` cancels its
 * stream and leaves the others running. Without the option such a server is unreachable (no
 * ALPN protocol in common), and an HTTP/1.1 server still gets one connection per stream.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import {
  createSecureServer,
  type Http2SecureServer,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseClientOptions } from '../../src/index.js';
import { ensureBuilt, runCli } from '../cli/run-cli.js';
import { openssl, skipWithout } from '../helpers/system-deps.js';
import { createPrivateCa, type PrivateCa } from './private-ca.js';

const skip = skipWithout(openssl);

interface Seen {
  path: string;
  lastEventId: string | undefined;
  stream: ServerHttp2Stream;
}

let ca: PrivateCa;
let server: Http2SecureServer;
let base: string;
let sessions = 0;
/** Open sessions: the client keeps an idle h2 connection (unref'd), so the server ends them. */
const live = new Set<ServerHttp2Session>();
let requests: Seen[] = [];
const requestWaiters = new Set<() => void>();
const clients: SseClient[] = [];

/** Resolves once the server has seen `count` requests in all (a wait on the server, not a timer). */
function requestsSeen(count: number): Promise<void> {
  if (requests.length >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (requests.length >= count) {
        requestWaiters.delete(check);
        resolve();
      }
    };
    requestWaiters.add(check);
  });
}

beforeAll(async () => {
  if (skip) return;
  ensureBuilt();
  ca = createPrivateCa();
  server = createSecureServer({ key: ca.key, cert: ca.cert, allowHTTP1: false });
  server.on('session', (session) => {
    sessions++;
    live.add(session);
    session.on('close', () => live.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const lastEventId = headers['last-event-id'] as string | undefined;
    const path = String(headers[':path']);
    stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
    const next = Number(lastEventId ?? 0) + 1;
    stream.write(`id: ${next}\ndata: ${path} ${next} after ${lastEventId ?? '-'}\n\n`);
    // /once ends after its first event, so the client must reconnect to get the next.
    if (path.startsWith('/once') && lastEventId === undefined) stream.end();
    stream.on('error', () => {});
    requests.push({ path, lastEventId, stream });
    for (const check of [...requestWaiters]) check();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  if (skip) return;
  for (const session of live) session.destroy();
  await new Promise((resolve) => server.close(resolve));
  ca.remove();
});

function open(path: string, options: SseClientOptions = {}) {
  const client = createSseClient(`${base}${path}`, {
    tls: { ca: ca.ca },
    http2: true,
    reconnect: { strategy: 'fixed', initialDelay: 10, jitter: 0, maxAttempts: 2 },
    ...options,
  });
  clients.push(client);
  const data: string[] = [];
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (event) => {
    data.push(event.data);
    for (const check of [...waiters]) check();
  });
  client.on('error', (error) => {
    errors.push(`${error.code}: ${error.message}`);
    for (const check of [...waiters]) check();
  });
  /** Resolves once `count` events arrived, or with the errors so far if one came first. */
  const events = (count: number): Promise<string[]> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (data.length >= count || errors.length > 0) {
          waiters.delete(check);
          resolve(errors.length > 0 ? errors.map((e) => `error ${e}`) : data.slice(0, count));
        }
      };
      waiters.add(check);
      check();
    });
  return { client, data, events };
}

describe.skipIf(skip)('http2: true against an h2-only server', () => {
  it('carries 8 concurrent streams on one connection (one session seen by the server)', async () => {
    const before = sessions;
    requests = [];
    const streams = Array.from({ length: 8 }, (_, i) => open(`/many/${i}`));
    const firsts = await Promise.all(streams.map((s) => s.events(1)));
    expect(firsts).toEqual(streams.map((_, i) => [`/many/${i} 1 after -`]));
    expect({ sessions: sessions - before, requests: requests.length }).toEqual({ sessions: 1, requests: 8 });
  });

  it('carries 200 streams opened together on one connection too (past the old limit of 100)', async () => {
    requests = [];
    const streams = Array.from({ length: 200 }, (_, i) => open(`/crowd/${i}`));
    const firsts = await Promise.all(streams.map((s) => s.events(1)));
    expect(firsts.filter((events, i) => events[0] !== `/crowd/${i} 1 after -`)).toEqual([]);
    expect({
      requests: requests.length,
      sessions: new Set(requests.map((r) => r.stream.session)).size,
    }).toEqual({
      requests: 200,
      sessions: 1,
    });
  });

  it('resumes a stream the server ended with Last-Event-ID, on the same connection', async () => {
    const before = sessions;
    requests = [];
    const other = open('/steady');
    await other.events(1);
    const resumed = open('/once');
    expect(await resumed.events(2)).toEqual(['/once 1 after -', '/once 2 after 1']);
    expect(requests.map((r) => `${r.path} ${r.lastEventId ?? '-'}`)).toEqual([
      '/steady -',
      '/once -',
      '/once 1',
    ]);
    // Clients with the same options share the dispatcher: still one connection for all of them.
    expect(sessions - before).toBeLessThanOrEqual(1);
  });

  it('close() cancels its own stream; the others on the connection keep receiving', async () => {
    requests = [];
    const streams = Array.from({ length: 6 }, (_, i) => open(`/close/${i}`));
    await Promise.all(streams.map((s) => s.events(1)));
    await requestsSeen(6);
    const closing = requests.find((r) => r.path === '/close/0')!;
    const cancelled = new Promise<void>((resolve) => closing.stream.on('close', () => resolve()));
    streams[0]!.client.close();
    await cancelled;
    expect(streams[0]!.client.state).toBe('closed');
    for (const r of requests) if (!r.stream.closed) r.stream.write(`data: after close ${r.path}\n\n`);
    const rest = await Promise.all(streams.slice(1).map((s) => s.events(2)));
    expect(rest.map((events) => events[1])).toEqual(
      streams.slice(1).map((_, i) => `after close /close/${i + 1}`),
    );
    expect(closing.stream.closed).toBe(true);
  });

  it('without http2 the h2-only server is unreachable: a NETWORK error naming ALPN', async () => {
    const plain = open('/plain', { http2: false, reconnect: { strategy: 'none' } });
    const [error] = await plain.events(1);
    expect(error).toMatch(/^error NETWORK: .*(ALPN|application protocol)/i);
  });

  it('the CLI speaks h2 with --http2 (and fails without it)', async () => {
    const run = runCli(['tail', `${base}/cli`, '--http2', '--cacert', ca.caFile, '--count', '1', '-q']);
    expect({ code: await run.exited, out: run.stdout() }).toEqual({
      code: 0,
      out: '[message] 1 /cli 1 after -\n',
    });
    const without = runCli(['tail', `${base}/cli`, '--cacert', ca.caFile, '--reconnect', 'none', '-q']);
    expect(await without.exited).toBe(1);
    expect(without.stderr()).toMatch(/NETWORK.*(ALPN|application protocol)/i);
  });
});

describe.skipIf(skip)('http2: true against an HTTP/1.1 server', () => {
  let h1: HttpServer;
  let sockets = 0;
  let h1Url: string;
  beforeAll(async () => {
    h1 = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${req.url}\n\n`);
    });
    h1.on('connection', (_socket: Socket) => {
      sockets++;
    });
    await new Promise<void>((resolve) => h1.listen(0, '127.0.0.1', resolve));
    h1Url = `http://127.0.0.1:${(h1.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    h1.closeAllConnections();
    await new Promise((resolve) => h1.close(resolve));
  });

  it('still serves every stream (no request waits behind a never-ending response)', async () => {
    const streams = Array.from({ length: 3 }, (_, i) => {
      const client = createSseClient(`${h1Url}/h1/${i}`, { http2: true, reconnect: { strategy: 'none' } });
      clients.push(client);
      return new Promise<string>((resolve) => {
        client.on('message', (event) => resolve(event.data));
        client.on('error', (error) => resolve(`error ${error.code}`));
      });
    });
    expect(await Promise.all(streams)).toEqual(['/h1/0', '/h1/1', '/h1/2']);
    expect(sockets).toBe(3);
  });
});
