/**
 * The packed tarball, installed into a fresh project the way a user installs it, must import with
 * `import` and `require` and type-check in strict mode. This catches broken `exports` maps, missing
 * files and declaration bugs that tests against the source tree cannot see.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let project: string;

function run(command: string, args: string[], cwd = project): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // The command's own output is what a failure must show (tsc's diagnostics, npm's complaint).
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sse-machine-consumer-'));
  const packed = run('npm', ['pack', '--json', '--pack-destination', project], root);
  const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // Unpack the tarball as npm would; its dependencies come from this checkout (no registry round trip).
  const target = join(project, 'node_modules', 'sse-machine');
  mkdirSync(target, { recursive: true });
  run('tar', ['xzf', join(project, filename), '-C', target, '--strip-components=1']);
  for (const dep of ['xstate', 'undici', 'typescript', '@types']) {
    symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep));
  }
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds dist and no test or bench files', () => {
    const files = readdirSync(join(project, 'node_modules', 'sse-machine'), { recursive: true }).map(String);
    expect(files.some((f) => f.startsWith('dist/'))).toBe(true);
    expect(files.filter((f) => /^(test|bench|scripts|examples)\//.test(f))).toEqual([]);
  });

  it('ships only what resolves: no machine source (it imports src/), no CLI source map', () => {
    const files = readdirSync(join(project, 'node_modules', 'sse-machine'), { recursive: true }).map(String);
    expect(files.filter((f) => f.startsWith('machines') || f.startsWith('src'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/cli') && f.endsWith('.map'))).toEqual([]);
    // Every relative import of every shipped module points at a shipped file.
    const missing: string[] = [];
    for (const file of files.filter((f) => /\.(c?js|d\.c?ts)$/.test(f))) {
      const text = readFileSync(join(project, 'node_modules', 'sse-machine', file), 'utf8');
      for (const [, spec] of text.matchAll(/(?:from |require\(|import\()['"](\.{1,2}\/[^'"]+)['"]/g)) {
        // A declaration file names the module (`./chunk.js`); its types are the `.d.ts` beside it.
        const named = join(dirname(file), spec!);
        const target = /\.d\.c?ts$/.test(file) ? named.replace(/\.(c?)js$/, '.d.$1ts') : named;
        if (!files.includes(target)) missing.push(`${file} -> ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('is one module graph in CommonJS as in ESM: one SseError, one machine across entries', () => {
    const probe = (entry: string, load: (spec: string) => string) => `
${load('sse-machine')}
${load('sse-machine/eventsource')}
${load('sse-machine/parser')}
${load('sse-machine/machine')}
${load('sse-machine/testing')}
const [root, es, parser, machine, testing] = mods;
const error = new parser.SseError('NETWORK', 'x');
console.log(JSON.stringify({
  sameClass: [es, parser, machine].map((m) => (m.SseError ?? root.SseError) === root.SseError),
  instanceOf: error instanceof root.SseError && error instanceof machine.SseError,
  sameChart: machine.sseMachine === root.sseMachine,
  testingChart: typeof testing.startSseServer,
  entry: ${JSON.stringify(entry)},
}));`;
    writeFileSync(
      join(project, 'graph.cjs'),
      `const mods = [];${probe('cjs', (spec) => `mods.push(require('${spec}'));`)}`,
    );
    writeFileSync(
      join(project, 'graph.mjs'),
      `const mods = [];${probe('esm', (spec) => `mods.push(await import('${spec}'));`)}`,
    );
    const expected = (entry: string) => ({
      sameClass: [true, true, true],
      instanceOf: true,
      sameChart: true,
      testingChart: 'function',
      entry,
    });
    expect(JSON.parse(run('node', ['graph.cjs']))).toEqual(expected('cjs'));
    expect(JSON.parse(run('node', ['graph.mjs']))).toEqual(expected('esm'));
  });

  it('creates one undici Agent in CommonJS whichever entries are required', () => {
    // Every `new Agent(` of the Node graph (the shared default agent, and the dispatchers chosen by
    // proxy, tls and http2) sits in one module that every entry requires, so each exists once.
    const dist = join(project, 'node_modules', 'sse-machine', 'dist');
    const holders = readdirSync(dist)
      .filter((f) => f.endsWith('.cjs'))
      .filter((f) => /new (?:undici\.|import_undici\.)?Agent\(/.test(readFileSync(join(dist, f), 'utf8')));
    expect(holders).toHaveLength(1);
  });

  it('gives browsers, Deno, Bun and workers the fetch graph, which never imports undici or node:', () => {
    const resolved: Record<string, string> = {};
    for (const condition of ['deno', 'bun', 'workerd', 'worker', 'browser', 'node']) {
      for (const entry of ['', '/eventsource', '/parser', '/machine']) {
        const script = `console.log(import.meta.resolve('sse-machine${entry}'));`;
        const url = run('node', ['--conditions', condition, '--input-type=module', '-e', script]).trim();
        resolved[`${condition} sse-machine${entry}`] = url.slice(url.indexOf('/dist/') + 1);
      }
    }
    const expected: Record<string, string> = {};
    for (const condition of ['deno', 'bun', 'workerd', 'worker', 'browser', 'node']) {
      for (const [entry, file] of [
        ['', 'index'],
        ['/eventsource', 'eventsource'],
        ['/parser', 'parser'],
        ['/machine', 'machine'],
      ]) {
        expected[`${condition} sse-machine${entry}`] =
          condition === 'node' ? `dist/${file}.js` : `dist/fetch/${file}.js`;
      }
    }
    expect(resolved).toEqual(expected);
    const fetchDir = join(project, 'node_modules', 'sse-machine', 'dist', 'fetch');
    const offenders = readdirSync(fetchDir)
      .filter((f) => /\.c?js$/.test(f))
      .filter((f) => /(?:from |require\()['"](?:undici|node:)/.test(readFileSync(join(fetchDir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('imports every entry with import and with require', () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { createSseClient, connectionMachine, SseError } from 'sse-machine';
import { createEventStreamParser } from 'sse-machine/parser';
import { sseMachine } from 'sse-machine/machine';
import { EventSource } from 'sse-machine/eventsource';
import { startSseServer } from 'sse-machine/testing';
const events = [];
const parser = createEventStreamParser({ onEvent: (e) => events.push(e) });
parser.feed('data: hi\\n\\n');
console.log(JSON.stringify({ c: typeof createSseClient, m: connectionMachine.id, s: sseMachine.id, e: typeof EventSource, t: typeof startSseServer, err: new SseError('NETWORK', 'x').code, events }));
`,
    );
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { createSseClient, connectionMachine, SseError } = require('sse-machine');
const { createEventStreamParser } = require('sse-machine/parser');
const { sseMachine } = require('sse-machine/machine');
const { EventSource } = require('sse-machine/eventsource');
const { startSseServer } = require('sse-machine/testing');
const events = [];
const parser = createEventStreamParser({ onEvent: (e) => events.push(e) });
parser.feed('data: hi\\n\\n');
console.log(JSON.stringify({ c: typeof createSseClient, m: connectionMachine.id, s: sseMachine.id, e: typeof EventSource, t: typeof startSseServer, err: new SseError('NETWORK', 'x').code, events }));
`,
    );
    const expected = {
      c: 'function',
      m: 'sse',
      s: 'sse',
      e: 'function',
      t: 'function',
      err: 'NETWORK',
      events: [{ type: 'message', data: 'hi', lastEventId: '' }],
    };
    expect(JSON.parse(run('node', ['esm.mjs']))).toEqual(expected);
    expect(JSON.parse(run('node', ['cjs.cjs']))).toEqual(expected);
  });

  it('type-checks a strict consumer, and rejects what it must', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { createSseClient, type SseEvent, isSseError } from 'sse-machine';
import { sseMachine } from 'sse-machine/machine';
import { EventSource } from 'sse-machine/eventsource';
import { createEventStreamParser, type EventStreamParser } from 'sse-machine/parser';
import { startSseServer, type SseServer } from 'sse-machine/testing';

const client = createSseClient('http://127.0.0.1:1/events', { autoConnect: false });
const off = client.on('message', (event) => {
  const data: string = event.data;
  const id: string = event.lastEventId;
  void data; void id;
});
client.on('error', (error) => { const code: string = error.code; void code; });
off();
const typed: SseEvent = { type: 'message', data: '', lastEventId: '' };
void typed; void isSseError;

// Overriding named delays type-checks...
sseMachine.provide({ delays: { reconnectDelay: 5, resetAfter: () => 10 } });
// ...a delay the chart does not declare does not.
// @ts-expect-error: unknown delay name
sseMachine.provide({ delays: { noSuchDelay: 5 } });
// @ts-expect-error: a message listener gets an SseEvent, not a number
client.on('message', (event: number) => event);

// events() is an async iterable of SseEvent.
const iterable: AsyncIterable<SseEvent> = client.events(['message', 'update'], { bufferSize: 16, overflow: 'pause' });
async function consume(): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of client.events()) seen.push(event.data, event.type, event.lastEventId);
  return seen;
}
void iterable; void consume;
// @ts-expect-error: overflow is 'pause' or 'error'
client.events(undefined, { overflow: 'drop' });
client.close();

// The EventSource facade takes the client's options, and its handlers get DOM event types.
const source = new EventSource('http://127.0.0.1:1/events', { headers: { authorization: 'Bearer x' } });
source.onmessage = (event) => {
  const message: MessageEvent<string> = event;
  const text: string = event.data;
  void message; void text;
};
source.onerror = (event) => { const code: string | undefined = event.error?.code; void code; };
const state: 0 | 1 | 2 = source.readyState;
void state;
// @ts-expect-error: headers are strings
new EventSource('http://127.0.0.1:1/events', { headers: { retries: 3 } });
source.close();

// The parser entry on its own.
const parser: EventStreamParser = createEventStreamParser(
  { onEvent: (event: SseEvent) => void event.data, onRetry: (ms: number) => void ms },
  { maxEventSize: 1024 },
);
parser.feed(new TextEncoder().encode('data: x\\n\\n'));
parser.feed('data: y\\n\\n');
parser.end();

// The testing entry: its server handle is typed.
const server: Promise<SseServer> = startSseServer();
void server.then(async (s) => { const url: string = s.url('/events'); void url; await s.close(); });
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'dom'],
          types: ['node'],
          skipLibCheck: true,
          exactOptionalPropertyTypes: true,
        },
        files: ['consumer.ts'],
      }),
    );
    expect(() => run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'])).not.toThrow();
  });

  it('type-checks a worker consumer (bundler resolution, workerd condition) without undici or node types', () => {
    writeFileSync(
      join(project, 'worker.ts'),
      `import { createSseClient, SseError, type SseEvent } from 'sse-machine';
import { EventSource } from 'sse-machine/eventsource';
import { createEventStreamParser } from 'sse-machine/parser';
const client = createSseClient('https://example.com/events', { autoConnect: false, fetch: globalThis.fetch });
client.on('message', (event: SseEvent) => void event.data);
const source: EventSource = new EventSource('https://example.com/events');
source.close();
void createEventStreamParser; void new SseError('NETWORK', 'x').code;
// @ts-expect-error: the fetch build has no undici transport
import { createUndiciTransport } from 'sse-machine';
void createUndiciTransport;
`,
    );
    writeFileSync(
      join(project, 'tsconfig.worker.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'esnext',
          moduleResolution: 'bundler',
          customConditions: ['workerd', 'worker'],
          target: 'es2022',
          lib: ['es2023', 'dom'],
          types: [],
          skipLibCheck: true,
        },
        files: ['worker.ts'],
      }),
    );
    let output = '';
    try {
      run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.worker.json']);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  it('type-checks every entry under moduleResolution node10 (no exports map: typesVersions)', () => {
    writeFileSync(
      join(project, 'node10.ts'),
      `import { createSseClient, SseError } from 'sse-machine';
import { EventSource } from 'sse-machine/eventsource';
import { createEventStreamParser } from 'sse-machine/parser';
import { sseMachine } from 'sse-machine/machine';
import { startSseServer } from 'sse-machine/testing';
const code: string = new SseError('NETWORK', 'x').code;
void code; void createSseClient; void EventSource; void createEventStreamParser; void sseMachine; void startSseServer;
// @ts-expect-error: the parser entry has no such export (proves the types were found, not any)
import { noSuchExport } from 'sse-machine/parser';
void noSuchExport;
`,
    );
    writeFileSync(
      join(project, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2022',
          lib: ['es2023', 'dom'],
          types: ['node'],
          skipLibCheck: true,
          ignoreDeprecations: '5.0',
        },
        files: ['node10.ts'],
      }),
    );
    let output = '';
    try {
      run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.node10.json']);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});
