/**
 * The demo's upstream: an SSE ticker on 127.0.0.1 that can be killed, restarted, silenced and made
 * to answer 503 or 204. Events are produced on a clock whether or not anyone listens, and kept in
 * a log, so a client that resumes with `Last-Event-ID` gets exactly what it missed, as a real
 * resumable stream would do it.
 *
 * @module
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Settings of {@link startDemoServer}, in ms. */
export interface DemoServerOptions {
  /** One event every `tickInterval`. */
  readonly tickInterval: number;
  /** A `: keep-alive` comment on every open stream every `keepAliveInterval`. */
  readonly keepAliveInterval: number;
  /** Events kept for resumption. @defaultValue 10000 */
  readonly historySize?: number;
}

/** What happened to one request, for narration. */
export interface DemoRequestInfo {
  readonly status: number;
  /** `Last-Event-ID` the client sent ('' when none). */
  readonly lastEventId: string;
  /** Events replayed from the log on this connection. */
  readonly replayed: number;
}

/** The handle {@link startDemoServer} returns. */
export interface DemoServer {
  /** URL of the event stream. */
  readonly url: string;
  /** Id of the last event produced. */
  readonly produced: number;
  /** Whether the server is listening. */
  readonly up: boolean;
  /** Whether open streams are silenced. */
  readonly silent: boolean;
  /** Stop listening and drop every connection (the ticker keeps producing). */
  kill(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  /** No more bytes (no events, no comments) on any stream, current or new, until {@link DemoServer.speak}. */
  silence(): void;
  /** End the silence for new connections; silenced streams are dropped (their clients gave up on them). */
  speak(): void;
  /** Drop the open streams and answer the next `count` requests with 503 and `Retry-After`. */
  refuse(count: number, retryAfterSeconds: number): void;
  /** Drop the open streams and answer the next `count` requests with 204 No Content. */
  noContent(count: number): void;
  /** Called for every request to the stream. */
  onRequest(listener: (info: DemoRequestInfo) => void): void;
  /** Stop for good. */
  close(): Promise<void>;
}

const TYPES = ['tick', 'tick', 'price', 'tick', 'news'] as const;

interface Stream {
  readonly res: ServerResponse;
  silenced: boolean;
}

/** Start the demo upstream on 127.0.0.1 (any free port). */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const historySize = options.historySize ?? 10_000;
  const history: string[] = [];
  let produced = 0;
  let silent = false;
  let refusals: { count: number; status: 503 | 204; retryAfter: number } | undefined;
  const streams = new Set<Stream>();
  const sockets = new Set<Socket>();
  const listeners: Array<(info: DemoRequestInfo) => void> = [];

  const frame = (id: number): string => {
    const type = TYPES[id % TYPES.length] ?? 'tick';
    const data =
      type === 'price'
        ? { seq: id, symbol: 'SSE', price: Number((100 + Math.sin(id / 7) * 5).toFixed(2)) }
        : type === 'news'
          ? { seq: id, headline: `bulletin #${Math.ceil(id / TYPES.length)}` }
          : { seq: id, at: new Date().toISOString() };
    return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  };

  const ticker = setInterval(() => {
    produced++;
    const text = frame(produced);
    history.push(text);
    if (history.length > historySize) history.shift();
    for (const stream of streams) if (!stream.silenced) stream.res.write(text);
  }, options.tickInterval);
  const keepAlive = setInterval(() => {
    for (const stream of streams) if (!stream.silenced) stream.res.write(': keep-alive\n\n');
  }, options.keepAliveInterval);

  const notify = (info: DemoRequestInfo): void => {
    for (const listener of listeners) listener(info);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    if (path !== '/events') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the stream is /events\n');
      return;
    }
    const header = req.headers['last-event-id'];
    const lastEventId = typeof header === 'string' ? header : '';
    if (refusals !== undefined && refusals.count > 0) {
      const { status, retryAfter } = refusals;
      refusals.count--;
      if (refusals.count === 0) refusals = undefined;
      res.writeHead(status, status === 503 ? { 'retry-after': String(retryAfter) } : {}).end();
      notify({ status, lastEventId, replayed: 0 });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const stream: Stream = { res, silenced: silent };
    // Resume after the client's last id; a client without one gets the whole log (the demo's
    // client starts at the first event, so every id can be checked).
    const after = /^\d+$/.test(lastEventId) ? Number(lastEventId) : 0;
    const first = produced - history.length + 1;
    const from = Math.max(after + 1, first);
    const replay = from <= produced ? history.slice(from - first) : [];
    if (!stream.silenced) res.write(replay.join('') || ': hello\n\n');
    else res.flushHeaders();
    streams.add(stream);
    res.on('close', () => streams.delete(stream));
    notify({ status: 200, lastEventId, replayed: stream.silenced ? 0 : replay.length });
  };

  const server = createServer(handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const dropStreams = (): void => {
    for (const stream of streams) stream.res.socket?.destroy();
  };
  const kill = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}/events`,
    get produced() {
      return produced;
    },
    get up() {
      return server.listening;
    },
    get silent() {
      return silent;
    },
    kill,
    async restart() {
      if (server.listening) return;
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    silence() {
      silent = true;
      for (const stream of streams) stream.silenced = true;
    },
    speak() {
      silent = false;
      for (const stream of streams) if (stream.silenced) stream.res.socket?.destroy();
    },
    refuse(count, retryAfterSeconds) {
      refusals = { count, status: 503, retryAfter: retryAfterSeconds };
      dropStreams();
    },
    noContent(count) {
      refusals = { count, status: 204, retryAfter: 0 };
      dropStreams();
    },
    onRequest(listener) {
      listeners.push(listener);
    },
    async close() {
      clearInterval(ticker);
      clearInterval(keepAlive);
      await kill();
    },
  };
}
