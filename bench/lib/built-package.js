/**
 * Load sse-machine the way a user gets it: the built files in dist/. While the package cannot be built
 * as a whole yet (an entry missing), an entry can be bundled on its own with esbuild into the ignored
 * .bench-results/ directory, so the parser benchmark still measures compiled output, not TypeScript.
 * @module
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './environment.js';

/** Source of each public entry, as tsup.config.ts maps them. */
const sources = /** @type {const} */ ({
  index: 'src/index.ts',
  parser: 'src/parser/index.ts',
  machine: 'src/machine.ts',
});

/**
 * Where an entry was loaded from, for the report.
 * @type {Map<string, string>}
 */
export const loadedFrom = new Map();

/**
 * Import a built entry of sse-machine, or `undefined` when it neither is built nor can be built.
 * @param {keyof typeof sources} entry
 * @returns {Promise<Record<string, unknown> | undefined>}
 */
export async function importBuilt(entry) {
  const dist = path.join(root, 'dist', `${entry}.js`);
  if (existsSync(dist)) {
    loadedFrom.set(entry, path.relative(root, dist));
    return import(pathToFileURL(dist).href);
  }
  const source = path.join(root, sources[entry]);
  if (!existsSync(source)) return undefined;
  const outfile = path.join(root, '.bench-results', 'build', `${entry}.js`);
  const { build } = await import('esbuild');
  // Same target and externals as tsup.config.ts, so the code is what dist/ would hold.
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['xstate', 'undici', 'node:*'],
    logLevel: 'error',
  });
  loadedFrom.set(entry, `${path.relative(root, outfile)} (esbuild of ${sources[entry]}: dist/ not built)`);
  return import(pathToFileURL(outfile).href);
}

/**
 * Where {@link importBuilt} takes an entry from, without loading it (for reports written by a parent
 * whose workers do the loading).
 * @param {keyof typeof sources} entry
 */
export function builtSource(entry) {
  const dist = path.join(root, 'dist', `${entry}.js`);
  if (existsSync(dist)) return path.relative(root, dist);
  return `esbuild bundle of ${sources[entry]} (dist/ not built)`;
}
