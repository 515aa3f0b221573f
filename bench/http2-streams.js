// Memory per stream with many streams to one origin (issue 16): `http2: true` (one shared HTTP/2
// connection) against HTTP/2 with one connection per stream (an allowH2 Agent, undici's defaults)
// and against HTTP/1.1 (the default). `node --expose-gc bench/http2-streams.js [streams] [rounds]`,
// after `npm run build`. The server is a separate process; each mode and round runs in a fresh client
// process, so one mode's pools and garbage never count in another's figures.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const role = args[0] === 'server' || args[0] === 'client' ? args[0] : 'main';
const rest = role === 'main' ? args : args.slice(1);

function certificate() {
  const dir = mkdtempSync(join(tmpdir(), 'sse-bench-h2-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const pem = {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
  rmSync(dir, { recursive: true, force: true });
  return pem;
}

async function server() {
  const { createSecureServer } = await import('node:http2');
  const { key, cert } = JSON.parse(rest[0]);
  let sessions = 0;
  let sockets = 0;
  const h2 = createSecureServer(
    { key, cert, allowHTTP1: true, settings: { maxConcurrentStreams: 1000 } },
    (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: 1\ndata: hello\n\n');
      req.on('error', () => {});
    },
  );
  h2.on('session', () => sessions++);
  h2.on('secureConnection', () => sockets++);
  h2.listen(0, '127.0.0.1', () => process.send({ port: h2.address().port }));
  process.on('message', (message) => {
    if (message === 'count') process.send({ sessions, sockets });
    if (message === 'reset') {
      sessions = 0;
      sockets = 0;
    }
  });
}

async function client() {
  const [mode, url, ca, n] = [rest[0], rest[1], JSON.parse(rest[2]), Number(rest[3])];
  const { createSseClient, DEFAULT_AGENT_OPTIONS } = await import('../dist/index.js');
  const { Agent } = await import('undici');
  const options =
    mode === 'http2-shared'
      ? { http2: true, tls: { ca } }
      : mode === 'http2-per-stream'
        ? { dispatcher: new Agent({ ...DEFAULT_AGENT_OPTIONS, allowH2: true, connect: { ca } }) }
        : { tls: { ca } };
  const measure = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, external: m.external + m.arrayBuffers, rss: m.rss };
  };
  // Warm up: one stream opened and closed, so module and TLS setup do not count per stream.
  await new Promise((resolve) => {
    const c = createSseClient(url, options);
    c.on('message', () => {
      c.close();
      resolve();
    });
  });
  // The server counts connections from here on.
  await new Promise((resolve) => {
    process.once('message', resolve);
    process.send({ warm: true });
  });
  const before = measure();
  const clients = [];
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const c = createSseClient(url, { ...options, reconnect: { strategy: 'none' } });
          clients.push(c);
          c.on('message', resolve);
          c.on('error', (error) => reject(error));
        }),
    ),
  );
  const after = measure();
  process.send({
    heap: (after.heap - before.heap) / n,
    external: (after.external - before.external) / n,
    rss: (after.rss - before.rss) / n,
  });
  for (const c of clients) c.close();
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const streams = Number(rest[0] ?? 200);
  const rounds = Number(rest[1] ?? 5);
  const pem = certificate();
  const srv = fork(self, ['server', JSON.stringify(pem)], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => srv.once('message', resolve));
  const url = `https://127.0.0.1:${port}/events`;
  const ask = () =>
    new Promise((resolve) => {
      srv.once('message', resolve);
      srv.send('count');
    });
  const modes = ['http2-shared', 'http2-per-stream', 'http1'];
  const results = Object.fromEntries(modes.map((m) => [m, []]));
  const connections = {};
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) {
      srv.send('reset');
      const child = fork(self, ['client', mode, url, JSON.stringify(pem.cert), String(streams)], {
        execArgv: ['--expose-gc'],
        stdio: 'inherit',
      });
      const sample = await new Promise((resolve, reject) => {
        child.on('message', (message) => {
          if (message.warm) {
            srv.send('reset');
            child.send('go');
          } else resolve(message);
        });
        child.once('exit', (code) => code !== 0 && reject(new Error(`${mode} client exited with ${code}`)));
      });
      connections[mode] = await ask();
      child.kill();
      results[mode].push(sample);
    }
  }
  srv.kill();
  const rows = modes.map((mode) => {
    const r = results[mode];
    const kb = (key) => (median(r.map((s) => s[key])) / 1024).toFixed(1);
    return `| ${mode} | ${connections[mode].sockets} | ${kb('heap')} | ${kb('external')} | ${kb('rss')} |`;
  });
  const table = [
    `${streams} streams to one origin, ${rounds} rounds, medians, node ${process.version}:`,
    '',
    '| mode | new TLS connections for the streams (server, last round) | heap KB/stream | external KB/stream | RSS KB/stream |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  console.log(table);
  writeFileSync(join(tmpdir(), 'sse-machine-http2-streams.md'), `${table}\n`);
}

if (role === 'server') await server();
else if (role === 'client') await client();
else await main();
