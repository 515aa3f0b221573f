import type { DemoCommand } from './args.js';
import type { TailIo } from './tail.js';

/** Placeholder until the demo lands. */
export async function runDemo(_command: DemoCommand, io: TailIo): Promise<number> {
  io.stderr.write('sse-machine demo: not implemented yet\n');
  return 1;
}
