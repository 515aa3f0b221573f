/**
 * Benchmark runner: `node --expose-gc bench/run.js [suite ...] [--rounds N] [--quick]`.
 * Runs bench/<suite>.bench.js for each named suite (all of them by default), prints the machine, the
 * versions of every contender and a table per figure, and writes .bench-results/<suite>.json (plus a
 * Markdown copy of the tables, ready for BENCHMARKS.md).
 *
 * Run through `npm run bench` so that dist/ is freshly built first.
 * @module
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machine, packageVersion, root } from './lib/environment.js';
import { markdownTable } from './lib/format.js';

const benchDir = path.join(root, 'bench');
const resultsDir = path.join(root, '.bench-results');
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.js'))
  .map((file) => file.slice(0, -'.bench.js'.length))
  .sort();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '7' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    `usage: node --expose-gc bench/run.js [suite ...] [--rounds N] [--quick]\nsuites: ${available.join(', ')}\n`,
  );
  process.exit(0);
}

const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds > 0))
  throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
const unknown = positionals.filter((name) => !available.includes(name));
if (unknown.length > 0)
  throw new Error(`unknown suite(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
const suites = positionals.length > 0 ? positionals : available;

if (typeof globalThis.gc !== 'function') {
  process.stderr.write('warning: run with `node --expose-gc` so every round starts from a collected heap\n');
}

/** @param {string} line */
const log = (line) => process.stdout.write(`${line}\n`);

const host = machine();
log(`machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, ${host.os}`);
log(`node ${host.node} (V8 ${host.v8})`);
mkdirSync(resultsDir, { recursive: true });

let failed = false;
for (const name of suites) {
  const suite = await import(path.join(benchDir, `${name}.bench.js`));
  const versions = Object.fromEntries(
    suite.contenders.map((/** @type {string} */ c) => [c, packageVersion(c)]),
  );
  log('');
  log(`== ${suite.title} (${name}) ==`);
  log(
    `contenders: ${Object.entries(versions)
      .map(([c, v]) => `${c}@${v}`)
      .join(', ')}`,
  );
  const started = Date.now();
  try {
    const outcome = await suite.run({ rounds, log, quick: values.quick });
    const markdown = outcome.tables.map(markdownTable).join('\n\n');
    log('');
    log(markdown);
    if (outcome.target)
      log(`\ntarget: ${outcome.target.description}: ${outcome.target.met ? 'met' : 'NOT met'}`);
    log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const record = {
      suite: name,
      title: suite.title,
      date: new Date().toISOString(),
      machine: host,
      versions,
      rounds,
      quick: values.quick,
      ...outcome,
    };
    writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    writeFileSync(path.join(resultsDir, `${name}.md`), `${markdown}\n`);
  } catch (error) {
    failed = true;
    log(`suite ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
process.exitCode = failed ? 1 : 0;
