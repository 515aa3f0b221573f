import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { type CliRun, ensureBuilt, exitMessage, expectExit, ROOT, runCli } from './run-cli.js';

let server: SseServer;
const runs: CliRun[] = [];
const groups: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 120_000);
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  for (const run of runs.splice(0)) run.child.kill('SIGKILL');
  for (const child of groups.splice(0)) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await server.close();
});

function cli(...args: string[]): CliRun {
  const run = runCli(args);
  runs.push(run);
  return run;
}

/** The exit code, from 'exit': 'close' would also wait for a stdout nobody reads. */
async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

// Raw C0 and C1 control characters: a terminal would obey them (colour, title, clear screen).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('sse-machine tail: a stdout nobody reads', () => {
  /** Tail one 2 MB event, far more than a pipe holds, then stop reading stdout: tail waits for 'drain'. */
  async function blockedTail(...args: string[]): Promise<CliRun> {
    const run = cli('tail', server.url('/big'), ...args);
    const request = await server.nextRequest('/big');
    request.open();
    await request.write(`id: 1\ndata: ${'x'.repeat(2_000_000)}\n\n`);
    await run.waitFor('stdout', '[message] 1 x');
    run.child.stdout?.pause();
    return run;
  }

  it('Ctrl-C still closes, prints the summary and exits 0', async () => {
    const run = await blockedTail();
    run.child.kill('SIGINT');
    expect(await exitCode(run.child), exitMessage(run, 0)).toBe(0);
    run.child.stdout?.resume();
    await run.exited;
    expect(run.stderr()).toMatch(/summary: events 1, .*last id 1/);
  });

  it('--timeout still stops the run with exit 0', async () => {
    const run = await blockedTail('--timeout', '1s', '-q');
    expect(await exitCode(run.child), exitMessage(run, 0)).toBe(0);
    run.child.stdout?.resume();
    await run.exited;
    expect(run.stderr()).toBe('');
  });
});

describe('sse-machine tail: closed pipes', () => {
  it('stdout closed by its reader (`| head -1`): stops quietly with exit 0', async () => {
    const run = cli('tail', server.url('/events'));
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('id: 1\ndata: one\n\n');
    await run.waitFor('stdout', '[message] 1 one\n');
    run.child.stdout?.destroy();
    await request.write('id: 2\ndata: two\n\n');
    await expectExit(run, 0);
    expect(run.stderr()).not.toMatch(/failed|EPIPE|Error/);
    expect(run.stderr()).toContain('summary: events');
  });

  it('stderr closed: the events still all reach stdout, exit 0', async () => {
    const run = cli('tail', server.url('/events'), '--count', '5');
    await run.waitFor('stderr', 'connecting to');
    run.child.stderr?.destroy();
    const request = await server.nextRequest('/events');
    // 'connected' (and at the end the summary) now go to a closed pipe.
    request.open();
    for (let id = 1; id <= 5; id++) await request.write(`id: ${id}\ndata: n${id}\n\n`);
    await expectExit(run, 0);
    expect(run.stdout().trimEnd().split('\n')).toHaveLength(5);
  });

  it('demo with stdout closed (`| head -2`): stops quietly with exit 0', async () => {
    const run = cli('demo', '--duration', '60s');
    await run.waitFor('stdout', '==> dashboard: ');
    run.child.stdout?.destroy();
    await expectExit(run, 0);
    expect(run.stderr()).toBe('');
  });
});

describe('sse-machine tail: control characters from the server', () => {
  const HOSTILE =
    'event: ev\u001b[31mRED\nid: id\u001b]0;TITLE\u0007\ndata: a\u001b[2J\u0000 \u009b31m \\ tab\there\ndata: two\n\n';

  it('plain output escapes them in type, id and data (and the summary id)', async () => {
    const run = cli('tail', server.url('/esc'), '--count', '1');
    const request = await server.nextRequest('/esc');
    request.open();
    await request.write(HOSTILE);
    await expectExit(run, 0);
    expect(run.stdout()).toBe(
      '[ev\\u001b[31mRED] id\\u001b]0;TITLE\\u0007 a\\u001b[2J\\u0000 \\u009b31m \\\\ tab\\there\\ntwo\n',
    );
    expect(run.stderr()).toContain('last id id\\u001b]0;TITLE\\u0007');
    expect(run.stderr()).not.toMatch(RAW_CONTROL);
  });

  it('--json lines are printable ASCII here (C1 escaped too) and decode to the exact data', async () => {
    const run = cli('tail', server.url('/esc'), '--count', '1', '--json');
    const request = await server.nextRequest('/esc');
    request.open();
    await request.write(HOSTILE);
    await expectExit(run, 0);
    const line = run.stdout().trimEnd();
    expect(line).toMatch(/^[\u0020-\u007e]+$/);
    expect(JSON.parse(line)).toEqual({
      type: 'ev\u001b[31mRED',
      id: 'id\u001b]0;TITLE\u0007',
      data: 'a\u001b[2J\u0000 \u009b31m \\ tab\there\ntwo',
    });
    expect(run.stderr()).not.toMatch(RAW_CONTROL);
  });

  it('status lines escape what the server sent (a content type in an error message)', async () => {
    server.route('/html', (request) => request.respond(200, { 'content-type': 'text/x-\u009b31m' }, 'hi'));
    const run = cli('tail', server.url('/html'));
    await expectExit(run, 1);
    expect(run.stderr()).toMatch(/sse-machine: failed: BAD_CONTENT_TYPE: .*text\/x-\\u009b31m/);
    expect(run.stderr()).not.toMatch(RAW_CONTROL);
  });
});

describe('sse-machine tail: signals', () => {
  it('a Ctrl-C relayed by a parent (npm, npm start) arrives twice: still one Ctrl-C, clean close, exit 0', async () => {
    const run = cli('tail', server.url('/events'));
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('id: 1\ndata: hello\n\n');
    await run.waitFor('stdout', '[message] 1 hello\n');
    run.child.kill('SIGINT');
    // The copy comes while the first one is being handled, as a relay's does (milliseconds later).
    await run.waitFor('stderr', 'state closed');
    run.child.kill('SIGINT');
    await expectExit(run, 0);
    expect(run.stderr()).toContain('summary: events 1');
  });
});

describe('sse-machine demo: environment failures', () => {
  let busy: Server;
  afterEach(async () => {
    busy?.close();
  });

  it('--port in use: one line on stderr, exit 1, no stack trace', async () => {
    busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as { port: number }).port;
    const run = cli('demo', '--duration', '8s', '--port', String(port));
    await expectExit(run, 1);
    expect(run.stderr()).toMatch(/^sse-machine: cannot start the dashboard: .*EADDRINUSE.*\n$/);
    expect(run.stdout()).not.toContain('connected');
  });
});

describe('npm start (scripts/start.js)', () => {
  const START = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));

  /** `node scripts/start.js` in a process group of its own, as a terminal would run it. */
  async function start(): Promise<{ child: ChildProcess; output: () => string }> {
    const child = spawn(process.execPath, [START, '--duration', '60s'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    groups.push(child);
    let output = '';
    const flowing = new Promise<void>((resolve) => {
      const collect = (chunk: string): void => {
        output += chunk;
        if (output.includes('events flowing')) resolve();
      };
      child.stdout?.setEncoding('utf8').on('data', collect);
      child.stderr?.setEncoding('utf8').on('data', collect);
    });
    await flowing;
    return { child, output: () => output };
  }

  it('SIGTERM to the script alone reaches the demo: it closes cleanly, and the script exits with its code', async () => {
    const { child, output } = await start();
    child.kill('SIGTERM');
    expect((await once(child, 'close'))[0], `exit code of npm start, expected 0; output: ${output()}`).toBe(
      0,
    );
    expect(output()).toContain('==> interrupted');
  });

  it('Ctrl-C (SIGINT to the whole group) still closes the demo cleanly, relayed copy and all', async () => {
    const { child, output } = await start();
    process.kill(-(child.pid as number), 'SIGINT');
    expect((await once(child, 'close'))[0], `exit code of npm start, expected 0; output: ${output()}`).toBe(
      0,
    );
    expect(output()).toContain('==> interrupted');
  });
});
