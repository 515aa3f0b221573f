import { execFileSync } from 'node:child_process';
/**
 * What the numbers were measured on: machine, Node, and the version of every contender.
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (bench/lib/../..). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const require = createRequire(path.join(root, 'package.json'));

/**
 * The installed version of a package, read from its package.json on disk (its `exports` may hide it).
 * @param {string} name
 */
export function packageVersion(name) {
  if (name === 'sse-machine')
    return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  if (name.startsWith('sse-machine@')) return baselineCommit(name);
  const file = path.join(root, 'node_modules', ...name.split('/'), 'package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    // Not hoisted to the top node_modules: ask the resolver.
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  }
}

/** Machine and runtime description. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  };
}

/**
 * The commit a baseline build (`SSE_BENCH_BASELINE=label=path`) was made from, for the report.
 * @param {string} name `sse-machine@<label>`
 */
function baselineCommit(name) {
  const label = name.slice('sse-machine@'.length);
  for (const entry of (process.env.SSE_BENCH_BASELINE ?? '').split(',').filter(Boolean)) {
    const [l, dir] = entry.includes('=') ? entry.split('=') : ['baseline', entry];
    if (l !== label) continue;
    try {
      const commit = execFileSync(
        'git',
        ['-C', path.resolve(/** @type {string} */ (dir)), 'rev-parse', '--short', 'HEAD'],
        {
          encoding: 'utf8',
        },
      ).trim();
      return `${commit} (${dir})`;
    } catch {
      return String(dir);
    }
  }
  return 'unknown';
}
