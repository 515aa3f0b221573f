import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      browser: 'src/browser.ts',
      parser: 'src/parser/index.ts',
      machine: 'src/machine.ts',
      eventsource: 'src/eventsource.ts',
      testing: 'src/testing/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    external: ['xstate', 'undici', /^node:/],
    // Keep `node:` specifiers as written (Deno and bundlers need them); tsup strips them by default.
    removeNodeProtocol: false,
  },
  {
    // The command line: ESM only, Node only, with a shebang.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
    external: ['xstate', 'undici', /^node:/],
    banner: { js: '#!/usr/bin/env node' },
    removeNodeProtocol: false,
  },
]);
