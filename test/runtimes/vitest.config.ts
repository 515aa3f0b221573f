import { defineConfig } from 'vitest/config';

// `npm run test:runtimes`: the smoke suite under Node 20/22/24, Deno, Bun and workerd (runtimes.spec.ts).
export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ['test/runtimes/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One runtime at a time: two cores are shared, and each child is a whole runtime.
    fileParallelism: false,
  },
});
