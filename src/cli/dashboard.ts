/**
 * The demo's dashboard server (a listener of its own, so that killing the upstream does not take
 * the page down): the page, the library's browser build and xstate's ESM build for it, a `/status`
 * SSE stream of the demo client's state, metrics, events and narration, and POST endpoints that
 * inject faults.
 *
 * @module
 */
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDashboardPage } from './dashboard-page.js';

/** Faults the page can inject. */
export type FaultName = 'kill' | 'silent' | '503' | '204';

/** Settings of {@link startDashboard}. */
export interface DashboardOptions {
  /** 0 = any free port. */
  readonly port: number;
  /** Called for `POST /fault/<name>`. */
  readonly inject: (fault: FaultName) => void;
}

/**
 * Event types of `/status`. None is `state`, `open`, `error` or `cursor`: the page's client uses
 * those names for its own events. `demo-state`, `demo-fault` and `demo-rate` make the timeline:
 * each carries `t`, ms since the demo started, and a new page gets their history.
 */
export type DashboardFeed = 'demo-state' | 'demo-fault' | 'demo-rate' | 'metrics' | 'demo-event' | 'log';

/** The feeds a new page gets in full (bounded), for the timeline; the others only as their latest. */
const TIMELINE_FEEDS: ReadonlySet<DashboardFeed> = new Set(['demo-state', 'demo-fault', 'demo-rate']);

/** The handle {@link startDashboard} returns. */
export interface Dashboard {
  readonly url: string;
  /** Send `data` (JSON) as an event of `type` to every open `/status` stream. */
  publish(type: DashboardFeed, data: unknown): void;
  close(): Promise<void>;
}

const FAULTS: readonly FaultName[] = ['kill', 'silent', '503', '204'];
const RECENT_LOGS = 200;
/** About an hour of one `demo-rate` a second, with the state changes and faults among them. */
const TIMELINE_FRAMES = 4000;

/** The package root: the nearest folder above this module with sse-machine's package.json. */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sse-machine'
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sse-machine: cannot find the package root (package.json)');
    dir = parent;
  }
}

/** xstate's `dist/` folder, where its ESM build (`xstate.esm.js`) and its chunks live. */
export function findXstateDist(root: string): string {
  return dirname(createRequire(join(root, 'package.json')).resolve('xstate'));
}

function sendFile(res: ServerResponse, file: string): void {
  if (!existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not built: run npm run build\n');
    return;
  }
  res
    .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
    .end(readFileSync(file));
}

/** Start the dashboard on 127.0.0.1. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const root = findPackageRoot();
  const dist = join(root, 'dist');
  const xstateDist = findXstateDist(root);
  const svgPath = join(root, 'visualizations', 'connection.svg');
  const streams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const recentLogs: string[] = [];
  const timeline: string[] = [];
  const latest = new Map<string, string>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (req.method === 'POST' && path.startsWith('/fault/')) {
      const fault = path.slice('/fault/'.length) as FaultName;
      if (!FAULTS.includes(fault)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`unknown fault; use ${FAULTS.join(', ')}\n`);
        return;
      }
      options.inject(fault);
      res.writeHead(202, { 'content-type': 'text/plain' }).end(`injected ${fault}\n`);
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/') {
      // Read per request: the diagram may be generated while the demo runs.
      const svg = existsSync(svgPath) ? readFileSync(svgPath, 'utf8') : undefined;
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        .end(renderDashboardPage(svg));
      return;
    }
    const lib = /^\/lib\/([\w.-]+\.js)$/.exec(path);
    if (lib !== null) return sendFile(res, join(dist, lib[1] as string));
    const vendor = /^\/vendor\/xstate\/([\w.-]+\.js)$/.exec(path);
    if (vendor !== null) return sendFile(res, join(xstateDist, vendor[1] as string));
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/status') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      // A new page first gets the timeline so far and the current picture, then the live feed.
      let backlog = `retry: 1000\n\n${timeline.join('')}`;
      for (const frame of latest.values()) backlog += frame;
      backlog += recentLogs.join('');
      res.write(backlog);
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  // Rejects on 'error' (EADDRINUSE for a --port in use) before anything else is started.
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 5000);
  keepAlive.unref();
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    publish(type, data) {
      const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
      if (type === 'log') {
        recentLogs.push(frame);
        if (recentLogs.length > RECENT_LOGS) recentLogs.shift();
      } else if (TIMELINE_FEEDS.has(type)) {
        timeline.push(frame);
        if (timeline.length > TIMELINE_FRAMES) timeline.shift();
      } else if (type !== 'demo-event') {
        latest.set(type, frame);
      }
      for (const res of streams) res.write(frame);
    },
    async close() {
      clearInterval(keepAlive);
      const closed = once(server, 'close');
      server.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
