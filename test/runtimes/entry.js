// Entry for Node, Deno and Bun: `<runtime> entry.js <base url> <runtime name>`. Prints one JSON line:
// the checks, and the file each export condition resolved `sse-machine` to.
import { runSmoke } from './smoke.js';

const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const [base, runtime] = args;
const results = await runSmoke(base, runtime);
const resolved = {};
for (const entry of ['sse-machine', 'sse-machine/eventsource', 'sse-machine/parser', 'sse-machine/machine']) {
  resolved[entry] = import.meta.resolve(entry);
}
console.log(JSON.stringify({ results, resolved }));
// Deno and Bun keep running while a keep-alive socket of fetch is pooled; the checks are done.
globalThis.Deno?.exit(0);
globalThis.process?.exit(0);
