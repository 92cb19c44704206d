import { defineConfig } from 'vitest/config';

/**
 * One config, one project per room. `db` suites run on in-memory PGlite and, when
 * TEST_DATABASE_URL is set, again on PostgreSQL (see db/src/testing.ts). `e2e` drives the
 * built app in Debian's Chromium; it fails under CI=true when no Chromium is found.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          root: './packages/engine',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'collab',
          root: './packages/collab',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'db',
          root: './db',
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api',
          root: './apps/api',
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          root: './apps/web',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'ui',
          root: './packages/ui',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'integration',
          root: './test',
          include: ['integration/**/*.test.ts', 'fuzz/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: './test',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // A page waits on the server; under CI load a round trip can take seconds, more than
          // expect.poll's default of 1 s.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
