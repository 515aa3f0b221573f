import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './run-cli.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('sse-machine: usage', () => {
  it.each([
    [['tail'], /tail needs a URL/],
    [['tail', 'not a url'], /invalid URL "not a url"/],
    [['tail', 'ftp://example.com/x'], /unsupported URL scheme "ftp:"/],
    [['tail', 'http://127.0.0.1:1/', '--bogus'], /Unknown option '--bogus'/],
    [['tail', 'http://127.0.0.1:1/', '--reconnect', 'sometimes'], /--reconnect expects one of/],
    [['tail', 'http://127.0.0.1:1/', '--count', 'x'], /--count expects a whole number/],
    [
      ['tail', 'http://127.0.0.1:1/', '--heartbeat-timeout', 'soon'],
      /--heartbeat-timeout expects a duration/,
    ],
    [['tail', 'http://127.0.0.1:1/', '-H', 'no colon'], /-H expects 'Name: value'/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('exit 2 on a usage error: %j', async (args, message) => {
    const run = runCli(args);
    expect(await run.exited).toBe(2);
    const [first, ...rest] = run.stderr().split('\n');
    expect(first).toMatch(/^sse-machine: /);
    expect(first).toMatch(message);
    expect(rest.join('\n')).toContain('Usage:');
  });

  it('--help documents the exit codes and exits 0', async () => {
    const run = runCli(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
  });
});
