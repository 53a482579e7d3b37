import { defineConfig } from 'vitest/config';

// Six projects, run together by `npm test` (after the build, which e2e and build tests use).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'contract', include: ['test/contract/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'build', include: ['test/build/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Issue 8: an attacker's suite (XSS corpus, identity, origins, IDOR, uploads); some files
          // drive Chromium, so one file at a time.
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Fault injection (issue 4 item 7): every scenario prints its counts; one file at a time,
          // since they use Chromium and measure convergence under load.
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
