/**
 * The `sse-machine` command: `tail` a stream, or run the `demo`. See `sse-machine --help`.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { parseCommandLine, USAGE, UsageError } from './cli/args.js';
import { runDemo } from './cli/demo.js';
import { EXIT, runTail, type TailIo } from './cli/tail.js';

// A write to a pipe whose reader is gone (`| head -1`) fails with an 'error' event, which would
// crash the process unhandled. On stdout it ends the command (see TailIo.stdoutClosed); on stderr
// there is nowhere left to report anything, so the command carries on without it.
const stdoutClosed = new AbortController();
process.stdout.on('error', (error) => stdoutClosed.abort(error));
process.stderr.on('error', () => {});

/**
 * Signals closer together than this are one: the same Ctrl-C, relayed by a parent (npm,
 * scripts/start.js) after the terminal already sent it to the whole process group.
 */
const RELAYED_WITHIN_MS = 200;

function interrupts(): TailIo['onInterrupt'] {
  let handler: (() => void) | undefined;
  let installed = false;
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    if (now - last < RELAYED_WITHIN_MS) return;
    last = now;
    count++;
    // A second Ctrl-C means "now": do not wait for a clean close. So does one nobody listens for.
    if (count > 1 || handler === undefined) process.exit(128 + constants.signals[signal]);
    handler();
  };
  return (next) => {
    // Installed once and kept to the end: a relayed copy arriving after the command stopped
    // listening must not kill the process mid-exit with the default action.
    if (!installed) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      installed = true;
    }
    handler = next;
    return () => {
      if (handler === next) handler = undefined;
    };
  };
}

async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sse-machine: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
}

async function run(argv: string[]): Promise<number> {
  const command = parseCommandLine(argv);
  const io: TailIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt: interrupts(),
    stdoutClosed: stdoutClosed.signal,
  };
  switch (command.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    case 'version': {
      const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return EXIT.ok;
    }
    case 'tail':
      return runTail(command, io);
    case 'demo':
      return runDemo(command, io);
  }
}

/**
 * Flush what is buffered (a pipe may be asynchronous) before leaving: undici's pooled sockets must
 * not keep a finished command alive. Except when stdout is broken (nothing will flush), or still
 * backed up: then the command was stopped (Ctrl-C, --timeout) while its reader was not reading, and
 * waiting for that reader could last forever.
 */
function exit(code: number): void {
  if (stdoutClosed.signal.aborted || process.stdout.writableNeedDrain) process.exit(code);
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  process.stderr.write(`sse-machine: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(EXIT.failed);
});
