/**
 * The `sse-machine` command: `tail` a stream, or run the `demo`. See `sse-machine --help`.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { parseCommandLine, USAGE, UsageError } from './cli/args.js';
import { runDemo } from './cli/demo.js';
import { EXIT, runTail } from './cli/tail.js';

function interruptHandler(handler: () => void): () => void {
  let count = 0;
  const onSignal = (): void => {
    count++;
    // A second Ctrl-C means "now": do not wait for a clean close.
    if (count > 1) process.exit(130);
    handler();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
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
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt: interruptHandler,
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

// Flush what is buffered (a pipe may be asynchronous) before leaving: undici's pooled sockets
// must not keep a finished command alive.
main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`sse-machine: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
