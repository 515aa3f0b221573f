import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:long` (CI runs it in full after `npm test`): the long forms of the files that
 * `npm test` runs short, the million-input parser fuzz and the 60-second soak.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/reliability/fuzz.test.ts', 'test/reliability/soak.test.ts'],
    env: { FUZZ_RUNS: '1000000', SOAK_SECONDS: '60' },
    testTimeout: 300_000,
    // One at a time: the soak's 60 s should not share the machine with the fuzz.
    maxWorkers: 1,
  },
});
