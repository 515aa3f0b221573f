/**
 * Spawn the built CLI (`node dist/cli.js`) and watch its output: tests wait on output or on the
 * exit, never on timers.
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Build dist/ when the CLI is not there (`npm test` builds first anyway). */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** A running CLI process. */
export interface CliRun {
  /** The arguments after `sse-machine`. */
  readonly args: readonly string[];
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves when `pattern` appears on the stream (at once if it already has). */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp | string): Promise<void>;
  /** Resolves with the exit code once the process has exited and its pipes are drained. */
  readonly exited: Promise<number | null>;
}

/** Start `node dist/cli.js ...args` (stdin closed, colour off unless `env` says otherwise). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  const waiters = new Set<{
    stream: 'stdout' | 'stderr';
    test: (s: string) => boolean;
    resolve: () => void;
  }>();
  const check = (): void => {
    for (const waiter of waiters) {
      if (waiter.test(text[waiter.stream])) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stdout += chunk;
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stderr += chunk;
    check();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      for (const waiter of waiters) waiter.resolve();
      resolve(code);
    });
  });
  return {
    args,
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    waitFor(stream, pattern) {
      const test = (s: string): boolean =>
        typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s);
      if (test(text[stream])) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ stream, test, resolve }));
    },
    exited,
  };
}

/** The end of a long output, for a failure message. */
function lastLines(text: string, chars = 2000): string {
  return text.length <= chars ? text : `...${text.slice(-chars)}`;
}

/** "sse-machine <args>: expected exit N", with what the process printed: for a failure message. */
export function exitMessage(run: CliRun, expected: number | null): string {
  return `exit code of sse-machine ${run.args.join(' ')}: expected ${expected}\nstdout: ${lastLines(run.stdout())}\nstderr: ${lastLines(run.stderr())}`;
}

/** Await the exit of `run` and assert its code; the failure shows both streams. */
export async function expectExit(run: CliRun, expected: number | null): Promise<void> {
  const code = await run.exited;
  expect(code, exitMessage(run, expected)).toBe(expected);
}
