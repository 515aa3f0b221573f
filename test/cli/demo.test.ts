import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, ensureBuilt, expectExit, runCli } from './run-cli.js';

const runs: CliRun[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  for (const run of runs.splice(0)) run.child.kill('SIGKILL');
});

function demo(...args: string[]): CliRun {
  const run = runCli(['demo', ...args]);
  runs.push(run);
  return run;
}

/** Asserts that every marker appears, each after the previous one. */
function expectInOrder(text: string, markers: readonly string[]): void {
  let from = 0;
  for (const marker of markers) {
    const at = text.indexOf(marker, from);
    expect(at, `"${marker}" after position ${from} in:\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + marker.length;
  }
}

describe('sse-machine demo', () => {
  it('narrates every phase in order and finds no event lost (--duration 8s)', async () => {
    const run = demo('--duration', '8s');
    await expectExit(run, 0);
    const out = run.stdout();
    expectInOrder(out, [
      '==> server: http://127.0.0.1:',
      '==> dashboard: http://127.0.0.1:',
      'connecting to http://127.0.0.1:',
      'connected (attempt 1): events flowing',
      '==> killing the server',
      'failed: NETWORK',
      'reconnecting in',
      '==> server restarted',
      'server: 200 for Last-Event-ID',
      '==> resumed after id',
      '0 lost, 0 duplicated',
      '==> the server goes silent',
      'failed: HEARTBEAT_TIMEOUT',
      '==> flowing again',
      '==> the server drops the stream and answers 503 with Retry-After: 1 s, 2 times',
      'server: 503 Service Unavailable, Retry-After: 1',
      'reconnecting in 1.0 s (as Retry-After asks)',
      'server: 503 Service Unavailable, Retry-After: 1',
      '==> recovered',
      '==> done:',
      '0 lost, 0 duplicated',
    ]);
    expect(out).not.toContain('unexpected');
    // Every narrated line carries its time since the start.
    for (const line of out.trimEnd().split('\n')) expect(line).toMatch(/^\[\s*\d+\.\ds\] /);
  });

  it('rejects a duration too short for the phases (exit 2)', async () => {
    const run = demo('--duration', '1s');
    await expectExit(run, 2);
    expect(run.stderr()).toMatch(/^sse-machine: --duration must be at least 5s/);
  });
});
