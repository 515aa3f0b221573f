/**
 * The loopback server of the runtime smoke suite (node:http, in the host process).
 *
 * - `GET /counter?batch=B&total=T&client=C`: events `id: n` / `data: n|<Last-Event-ID received>`
 *   from the request's `Last-Event-ID` + 1; after B events it ends the response unless T is reached,
 *   in which case it stays open (a client must reconnect to see the rest, and close to end it).
 * - `GET /closed?client=C`: answers `closed` once client C's streams are all closed (a long poll,
 *   so a test waits for the server to see the close instead of sleeping).
 *
 * @module
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running counter server. */
export interface CounterServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  close(): Promise<void>;
}

/** Start the server on 127.0.0.1 and a free port. */
export async function startCounterServer(): Promise<CounterServer> {
  const open = new Map<string, number>();
  const waiting = new Map<string, ServerResponse[]>();
  const release = (client: string): void => {
    if ((open.get(client) ?? 0) > 0) return;
    for (const res of waiting.get(client) ?? []) res.end('closed');
    waiting.delete(client);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const client = url.searchParams.get('client') ?? '';
    if (url.pathname === '/closed') {
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
      waiting.set(client, [...(waiting.get(client) ?? []), res]);
      release(client);
      return;
    }
    if (url.pathname !== '/counter') {
      res.writeHead(404).end();
      return;
    }
    const header = req.headers['last-event-id'];
    const lastEventId = typeof header === 'string' ? header : '';
    const start = Number(lastEventId || 0);
    const batch = Number(url.searchParams.get('batch') ?? 3);
    const total = Number(url.searchParams.get('total') ?? 6);
    open.set(client, (open.get(client) ?? 0) + 1);
    res.on('close', () => {
      open.set(client, (open.get(client) ?? 1) - 1);
      release(client);
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    });
    const end = Math.min(start + batch, total);
    let body = '';
    for (let n = start + 1; n <= end; n++) body += `id: ${n}\ndata: ${n}|${lastEventId}\n\n`;
    if (end < total) res.end(body);
    else res.write(body === '' ? ': nothing more\n\n' : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
