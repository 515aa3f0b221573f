/**
 * A real `node:http` server on 127.0.0.1 (port 0) for integration tests: requests are either
 * answered by a fixed {@link SseServer.route | route} or *parked* until a test takes them with
 * {@link SseServer.nextRequest} and drives the response step by step (open, write, end, destroy).
 *
 * Everything that waits does so on events or promises, never on timers, so tests stay
 * deterministic: `await server.nextRequest()` resolves when a request has fully arrived (body
 * included), `await parked.write(...)` when the bytes were handed to the kernel,
 * `await server.waitForSockets(0)` when every server-side socket has closed.
 *
 * @example
 * ```ts
 * const server = await startSseServer();
 * const pending = fetchSomething(server.url('/events'));
 * const request = await server.nextRequest('/events');
 * request.open();
 * await request.write('data: hello\n\n');
 * request.end();
 * await server.close();
 * ```
 *
 * @module
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * One request that reached the server, with the verbs to answer it.
 *
 * @example
 * ```ts
 * const request: ParkedRequest = await server.nextRequest('/events');
 * expect(request.headers['last-event-id']).toBe('41');
 * request.open();
 * await request.write('id: 42\ndata: resumed\n\n');
 * ```
 */
export interface ParkedRequest {
  /** node's request, for what the fields below leave out (the socket, trailers). */
  readonly req: IncomingMessage;
  /** node's response, to answer in ways the verbs below do not (a raw head, a slow trickle). */
  readonly res: ServerResponse;
  /** Lower-case header names, as node parsed them. */
  readonly headers: IncomingHttpHeaders;
  /** HTTP method, as sent. */
  readonly method: string;
  /** The whole request body, decoded as UTF-8 (empty when there was none). */
  readonly body: string;
  /** The request target as sent: pathname plus query (`/events?x=1`). */
  readonly path: string;
  /** The pathname alone (`/events`). */
  readonly pathname: string;
  /**
   * Answer 200 `text/event-stream` (plus `cache-control: no-cache`) and flush the head at once, so
   * the client sees the response before any event. `headers` are merged over those defaults.
   */
  open(headers?: OutgoingHttpHeaders): void;
  /**
   * Write a chunk of the body. Resolves when node handed it to the kernel; rejects when the
   * socket is already gone (a test that races a disconnect should expect that).
   */
  write(chunk: string | Uint8Array): Promise<void>;
  /** End the response cleanly; resolves when the last byte was flushed. */
  end(chunk?: string | Uint8Array): Promise<void>;
  /** Drop the connection without ending the response (the client sees a truncated body). */
  destroy(): void;
  /** A complete, ordinary response: status, headers, optional body, then end. */
  respond(status: number, headers?: OutgoingHttpHeaders, body?: string | Uint8Array): void;
}

/**
 * Answers every request whose pathname matches, instead of parking it.
 *
 * @example
 * ```ts
 * const ticker: RouteHandler = async (request) => {
 *   request.open();
 *   await request.end('id: 1\ndata: tick\n\n');
 * };
 * server.route('/ticker', ticker);
 * ```
 */
export type RouteHandler = (request: ParkedRequest) => void | Promise<void>;

/**
 * The handle {@link startSseServer} returns.
 *
 * @example
 * ```ts
 * const server: SseServer = await startSseServer();
 * await server.restart(); // every client sees its connection drop
 * await server.close();
 * ```
 */
export interface SseServer {
  /** The port, stable across {@link SseServer.restart}. */
  readonly port: number;
  /** Origin of the server (`http://127.0.0.1:PORT`). */
  readonly origin: string;
  /** Absolute URL of `path` on this server. */
  url(path?: string): string;
  /** Every request received so far, in arrival order (routed and parked alike). */
  readonly received: readonly ParkedRequest[];
  /**
   * The next parked request, optionally only one whose pathname (or full path) is `path`.
   * Requests that arrived before the call are returned first, in order; each is returned once.
   */
  nextRequest(path?: string): Promise<ParkedRequest>;
  /** Answer every request to `pathname` with `handler` from now on (replaces an earlier route). */
  route(pathname: string, handler: RouteHandler): void;
  /** Open server-side sockets right now. */
  readonly sockets: number;
  /** Resolves once exactly `count` server-side sockets are open (at once, if that holds already). */
  waitForSockets(count: number): Promise<void>;
  /** Destroy every socket and stop listening; the port is kept for {@link SseServer.start}. */
  stop(): Promise<void>;
  /** Listen again on the same port after {@link SseServer.stop}. */
  start(): Promise<void>;
  /** {@link SseServer.stop} then {@link SseServer.start}: every client sees its connection drop. */
  restart(): Promise<void>;
  /** Destroy every socket and stop listening for good. */
  close(): Promise<void>;
}

interface Waiter {
  readonly path: string | undefined;
  readonly resolve: (request: ParkedRequest) => void;
}

/**
 * Start a loopback server on 127.0.0.1, on a free port unless `port` is given.
 *
 * @example
 * ```ts
 * const server = await startSseServer();
 * const client = createSseClient(server.url('/events'));
 * const request = await server.nextRequest('/events');
 * expect(request.headers.accept).toBe('text/event-stream');
 * request.open();
 * await request.write('data: hello\n\n');
 * client.close();
 * await server.close();
 * ```
 */
export async function startSseServer(options: { port?: number } = {}): Promise<SseServer> {
  const routes = new Map<string, RouteHandler>();
  const received: ParkedRequest[] = [];
  const parked: ParkedRequest[] = [];
  const waiters: Waiter[] = [];
  const sockets = new Set<Socket>();
  const socketWaiters = new Set<{ count: number; resolve: () => void }>();

  const matches = (request: ParkedRequest, path: string | undefined): boolean =>
    path === undefined || request.pathname === path || request.path === path;

  const settleSocketWaiters = (): void => {
    for (const waiter of socketWaiters) {
      if (waiter.count === sockets.size) {
        socketWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = createParkedRequest(req, res, Buffer.concat(chunks).toString('utf8'));
      received.push(request);
      const handler = routes.get(request.pathname);
      if (handler !== undefined) {
        // A route that throws must not crash the test process; the client sees a dropped socket.
        Promise.resolve()
          .then(() => handler(request))
          .catch(() => request.destroy());
        return;
      }
      const index = waiters.findIndex((waiter) => matches(request, waiter.path));
      const waiter = index === -1 ? undefined : waiters.splice(index, 1)[0];
      if (waiter === undefined) parked.push(request);
      else waiter.resolve(request);
    });
    // A client that vanishes mid-upload is not a test failure of the server.
    req.on('error', () => {});
  });
  // Long streams must not be cut by node's own timeouts (requestTimeout is 300 s by default).
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  // Long, not 0: node advertises `Keep-Alive: timeout=0` for 0, and undici then closes every idle
  // socket at once, which would hide connection reuse from tests. close() destroys sockets anyway.
  server.keepAliveTimeout = 600_000;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    settleSocketWaiters();
    socket.on('close', () => {
      sockets.delete(socket);
      settleSocketWaiters();
    });
    // RSTs from clients are part of what these tests provoke.
    socket.on('error', () => {});
  });

  const listen = async (port: number): Promise<void> => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };

  const stop = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    url: (path = '/') => `${origin}${path}`,
    received,
    get sockets() {
      return sockets.size;
    },
    nextRequest(path) {
      const index = parked.findIndex((request) => matches(request, path));
      if (index !== -1) return Promise.resolve(parked.splice(index, 1)[0]!);
      return new Promise((resolve) => waiters.push({ path, resolve }));
    },
    route(pathname, handler) {
      routes.set(pathname, handler);
    },
    waitForSockets(count) {
      if (sockets.size === count) return Promise.resolve();
      return new Promise((resolve) => socketWaiters.add({ count, resolve }));
    },
    stop,
    start: () => listen(port),
    async restart() {
      await stop();
      await listen(port);
    },
    close: stop,
  } satisfies SseServer;
}

function createParkedRequest(req: IncomingMessage, res: ServerResponse, body: string): ParkedRequest {
  const path = req.url ?? '/';
  const pathname = new URL(path, 'http://placeholder').pathname;
  // Node does not always call a write callback when the socket dies with the write queued (the
  // client dropped a connection it stopped reading): settle on the response's 'close' as well.
  const flushed = (write: (done: (error?: Error | null) => void) => void): Promise<void> =>
    new Promise((resolve, reject) => {
      const onClose = (): void => reject(new Error('sse-server: the socket closed before the write flushed'));
      // Tests may queue many writes without awaiting each: one 'close' listener per pending write.
      res.setMaxListeners(0);
      res.once('close', onClose);
      write((error) => {
        res.off('close', onClose);
        if (error) reject(error);
        else resolve();
      });
    });
  return {
    req,
    res,
    headers: req.headers,
    method: req.method ?? 'GET',
    body,
    path,
    pathname,
    open(headers = {}) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      res.flushHeaders();
    },
    write(chunk) {
      if (res.destroyed) return Promise.reject(new Error('sse-server: write after the socket closed'));
      return flushed((done) => res.write(chunk, done));
    },
    end(chunk) {
      if (res.destroyed) return Promise.resolve();
      return flushed((done) => (chunk === undefined ? res.end(done) : res.end(chunk, done)));
    },
    destroy() {
      res.socket?.destroy();
    },
    respond(status, headers = {}, responseBody) {
      res.writeHead(status, headers);
      res.end(responseBody);
    },
  };
}
