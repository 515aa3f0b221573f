import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { ensureBuilt, runCli } from './run-cli.js';

beforeAll(() => ensureBuilt(), 120_000);

/** Usage errors found while parsing: `parseCommandLine` is pure, so they are checked in-process. */
const PARSE_ERRORS: [string[], RegExp][] = [
  [['tail'], /tail needs a URL/],
  [['tail', 'not a url'], /invalid URL "not a url"/],
  [['tail', 'ftp://example.com/x'], /unsupported URL scheme "ftp:"/],
  [['tail', 'http://127.0.0.1:1/', '--bogus'], /Unknown option '--bogus'/],
  [['tail', 'http://127.0.0.1:1/', '--reconnect', 'sometimes'], /--reconnect expects one of/],
  [['tail', 'http://127.0.0.1:1/', '--count', 'x'], /--count expects a whole number/],
  [['tail', 'http://127.0.0.1:1/', '--heartbeat-timeout', 'soon'], /--heartbeat-timeout expects a duration/],
  [['tail', 'http://127.0.0.1:1/', '-H', 'no colon'], /-H expects 'Name: value'/],
  // Header values no request can carry: each attempt would fail as NETWORK, forever.
  [
    ['tail', 'http://127.0.0.1:1/', '-H', 'X-Bad: a\r\nInjected: yes'],
    /-H cannot contain control character U\+000D .*"X-Bad: a\\r\\nInjected: yes"/,
  ],
  [['tail', 'http://127.0.0.1:1/', '-H', 'X-Bad: a\u0001b'], /-H cannot contain control character U\+0001/],
  [['tail', 'http://127.0.0.1:1/', '-H', '\nX-Bad: a'], /-H cannot contain control character U\+000A/],
  [
    ['tail', 'http://127.0.0.1:1/', '--last-event-id', 'a\nb'],
    /--last-event-id cannot contain control character U\+000A/,
  ],
  // Node fires a timer longer than 2^31-1 ms after 1 ms.
  [['tail', 'http://127.0.0.1:1/', '--timeout', '600h'], /--timeout must be at most 2147483647 ms/],
  [
    ['tail', 'http://127.0.0.1:1/', '--heartbeat-timeout', '2147483648'],
    /--heartbeat-timeout must be at most 2147483647 ms/,
  ],
  [['tail', 'http://127.0.0.1:1/', '--connect-timeout', '25d'], /--connect-timeout expects a duration/],
  [
    ['tail', 'http://127.0.0.1:1/', '--connect-timeout', '35791395m'],
    /--connect-timeout must be at most 2147483647 ms/,
  ],
  [['demo', '--duration', '600h'], /--duration must be at most 2147483647 ms/],
  [['frobnicate'], /unknown command "frobnicate"/],
];

/** Usage errors found when the command starts (opening the trace file): only a process shows them. */
const START_ERRORS: [string[], RegExp][] = [
  // A trace file that cannot be opened, like an unreadable --data-file.
  [
    ['tail', 'http://127.0.0.1:1/', '--trace', '/nonexistent-dir/t.jsonl'],
    /cannot open --trace "\/nonexistent-dir\/t.jsonl": ENOENT/,
  ],
  [['tail', 'http://127.0.0.1:1/', '--trace', tmpdir()], /cannot open --trace ".*": EISDIR/],
  [['tail', 'http://127.0.0.1:1/', '--trace', ''], /cannot open --trace "": ENOENT/],
];

/** A few parse errors through the real process too: each path to exit 2 (UsageError, parseArgs, command). */
const THROUGH_THE_PROCESS = PARSE_ERRORS.filter(
  ([args]) => args.length === 1 || args[0] === 'demo' || args[2] === '--bogus',
);

function thrownBy(args: string[]): unknown {
  try {
    const command = parseCommandLine(args, () => '');
    return new Error(`expected a usage error, parsed ${JSON.stringify(command)}`);
  } catch (error) {
    return error;
  }
}

describe('sse-machine: usage', () => {
  it.each(PARSE_ERRORS)('a usage error while parsing: %j', (args, message) => {
    const error = thrownBy(args);
    expect(
      error,
      `parseCommandLine(${JSON.stringify(args)}) should throw a UsageError (exit 2)`,
    ).toBeInstanceOf(UsageError);
    const text = (error as Error).message;
    // The CLI prints `sse-machine: <message>` as the first line of stderr, then the usage.
    expect(text.split('\n'), 'the message is one line').toHaveLength(1);
    expect(`sse-machine: ${text}`).toMatch(message);
    expect(text).not.toMatch(/^\s+at /m);
  });

  // One process each, run side by side: the time is Node's start-up.
  it.concurrent.for([...THROUGH_THE_PROCESS, ...START_ERRORS])(
    'exit 2 on a usage error: %j',
    async ([args, message], { expect }) => {
      const run = runCli(args);
      const code = await run.exited;
      const output = `stdout: ${run.stdout()}\nstderr: ${run.stderr()}`;
      expect(code, `exit code of sse-machine ${args.join(' ')}, expected 2 (usage); ${output}`).toBe(2);
      const [first, ...rest] = run.stderr().split('\n');
      expect(first).toMatch(/^sse-machine: /);
      expect(first).toMatch(message);
      expect(rest.join('\n')).toMatch(/^\nUsage:/);
      expect(run.stderr()).not.toMatch(/^\s+at /m);
    },
  );

  it('--help documents the exit codes and exits 0', async () => {
    const run = runCli(['--help']);
    const code = await run.exited;
    expect(code, `exit code of sse-machine --help, expected 0; stderr: ${run.stderr()}`).toBe(0);
    expect(run.stdout()).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
  });
});
