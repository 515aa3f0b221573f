/**
 * The runtime-agnostic smoke suite (smoke.js) under every runtime the README names, each from the
 * npm registry (`npm ci --prefix test/runtimes`), against the packed tarball installed the way a user
 * installs it, so each runtime's own export conditions choose the build. `npm run test:runtimes`.
 *
 * A runtime whose binary is missing is skipped with one line, unless SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1
 * (CI), where a missing runtime fails.
 *
 * Named `.spec.ts` so that the default `npm test` (test/**\/*.test.ts) does not pick it up: it needs
 * the runtimes installed and takes about a minute on two cores.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CounterServer, startCounterServer } from './counter-server.js';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const tools = join(here, 'node_modules');
const REQUIRE_TOOLS = process.env.SSE_MACHINE_REQUIRE_SYSTEM_DEPS === '1';

function firstExisting(...candidates: string[]): string | undefined {
  return candidates.map((c) => join(tools, c)).find((c) => existsSync(c));
}

const DENO = firstExisting('@deno/linux-x64-glibc/deno', 'deno/bin/deno');
const BUN = firstExisting(
  'bun/bin/bun.exe',
  '@oven/bun-linux-x64/bin/bun',
  '@oven/bun-linux-x64-baseline/bin/bun',
);
const WORKERD = firstExisting('@cloudflare/workerd-linux-64/bin/workerd', 'workerd/bin/workerd');

interface Check {
  name: string;
  ok: boolean;
  expected: unknown;
  seen: unknown;
}
interface Report {
  results: Check[];
  resolved: Record<string, string>;
}

let project: string;
let server: CounterServer;

function run(command: string, args: string[], cwd = project): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function runJson(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Report> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolvePromise(JSON.parse(line) as Report);
      } catch {
        reject(
          new Error(
            `${command} exited with ${code}; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`,
          ),
        );
      }
    });
  });
}

/** The file under the package that a specifier resolved to, as `dist/...`. */
function distPath(url: string): string {
  const at = url.indexOf('/dist/');
  return at < 0 ? url : url.slice(at + 1);
}

/**
 * Every check passes but the runtime's known issues, which must still fail (so that a fix is seen
 * and the entry removed).
 */
function expectAllPass(report: Report, knownIssues: readonly string[] = []): void {
  const failed = report.results
    .filter((r) => !r.ok && !knownIssues.includes(r.name))
    .map(({ name, expected, seen }) => ({ name, expected, seen }));
  expect(failed).toEqual([]);
  const stillBroken = report.results.filter((r) => !r.ok).map((r) => r.name);
  expect(stillBroken.sort()).toEqual([...knownIssues].sort());
  expect(report.results.length).toBeGreaterThanOrEqual(13);
}

/**
 * workerd's `EventTarget.dispatchEvent` also calls the target's `on<type>` property (measured on
 * workerd 2026-11-17, even for a plain property on a bare EventTarget), so the facade's handler
 * attributes, which add a listener as HTML says, run twice per event there. Fix in
 * src/eventsource.ts (do not register a listener where the platform calls the attribute itself).
 */
const WORKERD_KNOWN_ISSUES = ['EventSource: onopen/onmessage run once per event'];

const FETCH_GRAPH = {
  'sse-machine': 'dist/fetch/index.js',
  'sse-machine/eventsource': 'dist/fetch/eventsource.js',
  'sse-machine/parser': 'dist/fetch/parser.js',
  'sse-machine/machine': 'dist/fetch/machine.js',
};
const NODE_GRAPH = {
  'sse-machine': 'dist/index.js',
  'sse-machine/eventsource': 'dist/eventsource.js',
  'sse-machine/parser': 'dist/parser.js',
  'sse-machine/machine': 'dist/machine.js',
};

beforeAll(async () => {
  server = await startCounterServer();
  project = mkdtempSync(join(tmpdir(), 'sse-machine-runtimes-'));
  const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], root)) as [
    { filename: string },
  ];
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'runtimes', private: true, type: 'module' }),
  );
  const target = join(project, 'node_modules', 'sse-machine');
  mkdirSync(target, { recursive: true });
  run('tar', ['xzf', join(project, filename), '-C', target, '--strip-components=1']);
  for (const dep of ['xstate', 'undici'])
    symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep));
  for (const file of ['smoke.js', 'entry.js', 'worker.js'])
    copyFileSync(join(here, file), join(project, file));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

function skipLine(name: string, how: string): boolean {
  if (REQUIRE_TOOLS) return false;
  console.log(`SKIP ${name}: not installed (${how}); SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1 makes this a failure`);
  return true;
}

describe('the smoke suite under each runtime', () => {
  it('Node (this process’s version)', async () => {
    const report = await runJson(process.execPath, ['entry.js', server.base, 'node']);
    expectAllPass(report);
    expect(Object.fromEntries(Object.entries(report.resolved).map(([k, v]) => [k, distPath(v)]))).toEqual(
      NODE_GRAPH,
    );
  });

  for (const major of (process.env.SSE_MACHINE_NODE_VERSIONS ?? '22 24').split(/\s+/).filter(Boolean)) {
    it(`Node ${major} (npx node@${major})`, async () => {
      const report = await runJson('npx', ['-y', `node@${major}`, 'entry.js', server.base, `node${major}`]);
      expectAllPass(report);
      expect(Object.fromEntries(Object.entries(report.resolved).map(([k, v]) => [k, distPath(v)]))).toEqual(
        NODE_GRAPH,
      );
    }, 180_000);
  }

  it('Deno 2 (npm deno)', async () => {
    if (DENO === undefined && skipLine('Deno', 'npm ci --prefix test/runtimes')) return;
    expect(DENO, 'deno binary under test/runtimes/node_modules').toBeDefined();
    const version = run(DENO!, ['--version']).split('\n')[0];
    console.log(`runtime: ${version}`);
    // DENO_NO_UPDATE_CHECK: no call home from a closed network. The project's node_modules is used
    // as is (package.json + node_modules: Deno's "bring your own node_modules" mode).
    const report = await runJson(
      DENO!,
      ['run', '--allow-net', '--allow-read', '--allow-env', 'entry.js', server.base, 'deno'],
      {
        ...process.env,
        DENO_NO_UPDATE_CHECK: '1',
        DENO_DIR: join(project, '.deno'),
      },
    );
    expectAllPass(report);
    expect(Object.fromEntries(Object.entries(report.resolved).map(([k, v]) => [k, distPath(v)]))).toEqual(
      FETCH_GRAPH,
    );
  }, 120_000);

  it('Bun 1 (npm bun)', async () => {
    if (BUN === undefined && skipLine('Bun', 'npm ci --prefix test/runtimes')) return;
    expect(BUN, 'bun binary under test/runtimes/node_modules').toBeDefined();
    console.log(`runtime: bun ${run(BUN!, ['--version']).trim()}`);
    const report = await runJson(BUN!, ['entry.js', server.base, 'bun'], {
      ...process.env,
      BUN_INSTALL_CACHE_DIR: join(project, '.bun'),
    });
    expectAllPass(report);
    expect(Object.fromEntries(Object.entries(report.resolved).map(([k, v]) => [k, distPath(v)]))).toEqual(
      FETCH_GRAPH,
    );
  }, 120_000);

  it('workerd (npm workerd), fetching the loopback server', async () => {
    if (WORKERD === undefined && skipLine('workerd', 'npm ci --prefix test/runtimes')) return;
    expect(WORKERD, 'workerd binary under test/runtimes/node_modules').toBeDefined();
    console.log(`runtime: ${run(WORKERD!, ['--version']).trim()}`);
    // Bundled as wrangler bundles a worker: the workerd, worker and browser conditions.
    const bundled = await build({
      entryPoints: [join(project, 'worker.js')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      outfile: join(project, 'worker.bundle.js'),
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(bundled.metafile.inputs).map((f) => relative(project, resolve(project, f)));
    expect(inputs.filter((f) => f.includes('undici'))).toEqual([]);
    const resolved = Object.fromEntries(
      Object.entries(FETCH_GRAPH).filter(([, file]) => inputs.some((f) => f.endsWith(`sse-machine/${file}`))),
    );
    // The loopback address is not "public": the outbound network service must allow "local".
    writeFileSync(
      join(project, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.bundle.js") ],
  compatibilityDate = "2026-11-01",
  bindings = [
    (name = "SSE_BASE", text = "${server.base}"),
    (name = "RESOLVED", text = ${JSON.stringify(JSON.stringify(resolved))}),
  ],
  globalOutbound = "loopback",
);
`,
    );
    const child: ChildProcess = spawn(WORKERD!, ['serve', 'config.capnp', '--control-fd=3'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    try {
      // workerd reports the port it bound on the control descriptor: {"event":"listen","socket":"http","port":N}
      const port = await new Promise<number>((resolvePort, reject) => {
        let control = '';
        (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => {
          control += chunk;
          const match = /"port":(\d+)/.exec(control);
          if (match) resolvePort(Number(match[1]));
        });
        child.on('close', (code) =>
          reject(new Error(`workerd exited with ${code} before listening: ${stderr}`)),
        );
      });
      const response = await fetch(`http://127.0.0.1:${port}/`);
      const text = await response.text();
      let report: Report;
      try {
        report = JSON.parse(text) as Report;
      } catch {
        throw new Error(`workerd answered ${response.status}: ${text.slice(0, 2000)}; stderr: ${stderr}`);
      }
      expectAllPass(report, WORKERD_KNOWN_ISSUES);
      expect(report.resolved).toEqual(FETCH_GRAPH);
    } finally {
      child.kill();
    }
  }, 120_000);
});
