// Three projects: unit tests beside the code, integration tests (real PostgreSQL and Redis when
// TEST_DATABASE_URL / REDIS_URL are set) and whole-supergraph tests under tests/.
import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/generated/**'];

export default defineConfig({
  test: {
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{prisma,packages,subgraphs,gateway}/**/*.test.ts'],
          exclude: [...exclude, '**/*.integration.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{prisma,packages,subgraphs,gateway}/**/*.integration.test.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
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
