/**
 * A real forward proxy for the proxy tests: Debian's `tinyproxy`, started on a free loopback port
 * with a generated config, in the foreground, its log kept in memory (the tests read the CONNECT
 * lines from it to prove an https request went through the tunnel).
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running tinyproxy. */
export interface Tinyproxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Everything it logged so far. */
  log(): string;
  /** Resolves once the log matches `pattern` (tinyproxy logs a request as it handles it). */
  waitForLog(pattern: RegExp): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Start tinyproxy; resolves once it accepts connections. */
export async function startTinyproxy(): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'sse-machine-tinyproxy-'));
  const port = await freePort();
  // No ConnectPort line: CONNECT to any port is allowed (the https target is on a random port).
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    `Port ${port}\nListen 127.0.0.1\nTimeout 600\nMaxClients 200\nLogLevel Info\nAllow 127.0.0.1\n`,
  );
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<{ pattern: RegExp; resolve: () => void }>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const waiter of waiters) {
      if (waiter.pattern.test(text)) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const waitForLog = (pattern: RegExp): Promise<void> =>
    pattern.test(text) ? Promise.resolve() : new Promise((resolve) => waiters.add({ pattern, resolve }));
  await Promise.race([
    waitForLog(/Accepting connections/),
    exited.then(() => {
      throw new Error(`tinyproxy exited before listening: ${text}`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => text,
    waitForLog,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
