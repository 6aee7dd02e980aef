// Three projects: unit tests beside the code, integration tests (real PostgreSQL and Redis when
// TEST_DATABASE_URL / REDIS_URL are set) and whole-supergraph tests under tests/.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// graphql ships CommonJS (main) and ESM (module) builds. Node and Apollo's CommonJS packages load the
// CommonJS one; Vite would pick the ESM one, and two copies of graphql refuse to work together.
const graphqlCjs = createRequire(new URL('./gateway/package.json', import.meta.url)).resolve('graphql');

const exclude = ['**/node_modules/**', '**/generated/**'];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    // Two files at a time even on 2 cores (vitest's default is cores − 1): most suites wait on child
    // processes, PostgreSQL and Redis, and one worker left a core idle (measured here: the whole suite
    // in 1,396 s with one worker, 907 s with two).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Bursts of a thousand concurrent transactions on one row queue for the pool's connections.
    // GATEWAY_FORWARD_VERIFY: every operation the gateway forwards without re-execution is also run
    // through the general path on the same subgraph answer, and a difference fails the request (issue 23).
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', DATABASE_POOL_WAIT_MS: process.env.DATABASE_POOL_WAIT_MS ?? '60000', GATEWAY_FORWARD_VERIFY: process.env.GATEWAY_FORWARD_VERIFY ?? '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{prisma,packages,subgraphs,gateway}/**/*.test.ts'],
          exclude: [...exclude, '**/*.integration.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{prisma,packages,subgraphs,gateway}/**/*.integration.test.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'supergraph',
          include: ['tests/**/*.test.ts'],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
