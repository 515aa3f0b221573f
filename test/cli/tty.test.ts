import { spawn } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { script, skipWithout } from '../helpers/system-deps.js';
import { CLI, ensureBuilt, ROOT } from './run-cli.js';

// util(1)'s `script` gives the CLI a real pseudo-terminal: stdout and stderr are TTYs (and merged).
let server: SseServer;
beforeAll(() => ensureBuilt(), 120_000);
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  await server.close();
});

async function inTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const request = await server.nextRequest('/events');
  request.open();
  await request.write('id: 1\ndata: one\n\nid: 2\ndata: two\n\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output };
}

const ESC = '\u001b';

describe.skipIf(skipWithout(script))('sse-machine tail on a terminal', () => {
  it('draws a live status line (state, attempt, events, rate, bytes) in place, and colours', async () => {
    const { code, output } = await inTerminal(['tail', server.url('/events'), '--count', '2'], {});
    expect(code, `exit code under script(1), expected 0; output: ${output}`).toBe(0);
    expect(output).toContain(`\r${ESC}[2K`);
    expect(output).toMatch(/connected · attempt 1 · \d+ events · \d+\.\d\/s · \d+ B/);
    // Colour on a TTY: the event type is cyan.
    expect(output).toContain(`${ESC}[36m[message]${ESC}[39m`);
  });

  it('NO_COLOR turns colours off but keeps the status line', async () => {
    const { code, output } = await inTerminal(['tail', server.url('/events'), '--count', '2'], {
      NO_COLOR: '1',
    });
    expect(code, `exit code under script(1), expected 0; output: ${output}`).toBe(0);
    expect(output).toContain('[message] 1 one');
    expect(output).not.toMatch(new RegExp(`${ESC}\\[\\d+m`));
    expect(output).toMatch(/connected · attempt 1 · /);
  });

  it('--quiet shows neither status lines nor the status line', async () => {
    const { code, output } = await inTerminal(['tail', server.url('/events'), '--count', '2', '-q'], {});
    expect(code, `exit code under script(1), expected 0; output: ${output}`).toBe(0);
    expect(output).not.toContain(`${ESC}[2K`);
    expect(output).not.toContain('connecting to');
  });
});
