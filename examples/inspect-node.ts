/**
 * Watch a client's statechart live in the Stately inspector.
 *
 *   npx tsx examples/inspect-node.ts [SSE URL] [--port=8080] [--duration=ms] [--trace=trace.jsonl]
 *
 * Without a URL it serves a small demo stream itself (one tick a second, a dropped connection every
 * five ticks), so every transition shows up. The inspector server only relays: open
 * http://localhost:PORT in a browser (it embeds https://stately.ai/inspect, which needs internet).
 * Offline, `--trace` writes the same inspection events as JSON Lines with `recordTrace`.
 */
import { createWriteStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
// In an application: import { createSseClient } from 'sse-machine'; and 'sse-machine' for recordTrace.
import { createSseClient } from '../src/index.js';
import { recordTrace } from '../src/trace.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const port = Number(option('port') ?? 8080);
const duration = option('duration') === undefined ? undefined : Number(option('duration'));
const tracePath = option('trace');

/** A demo stream: a tick a second; every fifth tick the server drops the connection. */
async function startDemoServer(): Promise<Server> {
  let tick = 0;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 1000\n\n');
    const timer = setInterval(() => {
      tick++;
      res.write(`id: ${tick}\ndata: tick ${tick}\n\n`);
      if (tick % 5 === 0) req.socket.destroy();
    }, 1000);
    res.on('close', () => clearInterval(timer));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

const demo = args[0]?.startsWith('--') === false ? undefined : await startDemoServer();
const url =
  demo === undefined ? (args[0] as string) : `http://127.0.0.1:${(demo.address() as AddressInfo).port}/`;

// The relay: a WebSocket server plus a page that forwards to the Stately UI; never opens a browser here.
const inspectorServer = createInspectorServer({ port, autoOpen: false });
const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });

const client = createSseClient(url, { inspect: inspector.inspect });
const trace = tracePath === undefined ? undefined : createWriteStream(tracePath);
const stopTrace = trace === undefined ? undefined : recordTrace(client, (line) => trace.write(`${line}\n`));

client.on('state', (state) => console.log(`state: ${state}`));
client.on('message', (event) => console.log(`message ${event.lastEventId}: ${event.data}`));
client.on('error', (error) => console.log(`error ${error.code}: ${error.message}`));
console.log(`inspecting ${url}; open http://localhost:${port} to watch the statechart`);

function shutdown(): void {
  client.close();
  stopTrace?.();
  trace?.end();
  inspector.stop();
  inspectorServer.stop();
  demo?.close();
  demo?.closeAllConnections();
}
process.once('SIGINT', shutdown);
if (duration !== undefined) setTimeout(shutdown, duration);
