import { defineConfig } from 'vitest/config';

/**
 * `npm test`: every test file, in its short form (the fuzz with 50,000 inputs, the soak until 120
 * heap samples). The long forms run with `npm run test:long` (vitest.long.config.ts).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests own real sockets and servers; a generous timeout is for slow CI machines, not for sleeps.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One worker per core (vitest's default is one fewer: a single worker on a 2-core machine). Most
    // files wait on sockets and child processes, so two overlap well: 73 s of files in 43 s of wall.
    maxWorkers: '100%',
    // Says once which tests are skipped for a missing system dependency (or fails under CI's
    // SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1): test/helpers/system-deps.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
