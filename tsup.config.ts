import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

const shared = {
  format: ['esm', 'cjs'],
  // One module graph in CommonJS as in ESM: the .cjs entries require shared chunks, so
  // require('sse-machine') and require('sse-machine/eventsource') share one SseError class, one
  // connection machine and one undici Agent. esbuild splits ESM only; with `treeshake` tsup hands
  // the chunks to Rollup, which writes CommonJS chunks without rewriting the syntax (tsup's own CJS
  // splitting goes through sucrase, which turns every `?.` into a helper call, hot path included).
  splitting: true,
  treeshake: true,
  dts: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['xstate', 'undici', /^node:/],
  // Keep `node:` specifiers as written (Deno and bundlers need them); tsup strips them by default.
  removeNodeProtocol: false,
} satisfies Options;

/**
 * The fetch graph's one difference from the Node graph: modules that reach the platform entry
 * (`src/eventsource.ts` imports `createSseClient` from `./index.js`) get `src/browser.ts` instead,
 * so nothing in `dist/fetch/` imports undici.
 */
const fetchPlatform: Plugin = {
  name: 'sse-machine-fetch-platform',
  setup(build) {
    const nodeEntry = resolve('src/index.ts');
    const fetchEntry = resolve('src/browser.ts');
    build.onResolve({ filter: /^\.\/index\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, 'index.ts');
      return target === nodeEntry ? { path: fetchEntry } : undefined;
    });
  },
};

export default defineConfig([
  {
    // Node (the `import`/`require` conditions): undici transport.
    ...shared,
    entry: {
      index: 'src/index.ts',
      browser: 'src/browser.ts',
      parser: 'src/parser/index.ts',
      machine: 'src/machine.ts',
      eventsource: 'src/eventsource.ts',
      testing: 'src/testing/index.ts',
    },
    // No `clean`: the three builds run at once and would delete each other's files; `npm run build` empties dist first.
  },
  {
    // Browsers, Deno, Bun, workerd and other workers (`browser`, `deno`, `bun`, `workerd`, `worker`,
    // `edge-light` conditions): the same entries over WHATWG fetch, one graph of their own.
    ...shared,
    entry: {
      index: 'src/browser.ts',
      parser: 'src/parser/index.ts',
      machine: 'src/machine.ts',
      eventsource: 'src/eventsource.ts',
    },
    outDir: 'dist/fetch',
    esbuildPlugins: [fetchPlatform],
    // The fetch graph's types are the Node graph's (dist/browser.d.ts for the root entry; the other
    // entries have the same API on both): one set of declarations, 126 KB less in the tarball.
    dts: false,
  },
  {
    // The command line: ESM only, Node only, with a shebang.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    // No source map: it was 254 KB, as much as the rest of the tarball, for a command, not a library.
    sourcemap: false,
    target: 'es2022',
    platform: 'node',
    external: ['xstate', 'undici', /^node:/],
    banner: { js: '#!/usr/bin/env node' },
    removeNodeProtocol: false,
  },
]);
