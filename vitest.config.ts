import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests own real sockets and servers; a generous timeout is for slow CI machines, not for sleeps.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
