// The boundary rules fail on a planted violation: a resolver calling Prisma, a service calling Prisma,
// a repository reading another subgraph's table, a subgraph importing another (at all), a resolver
// importing the database package. The planted files are real files in a subgraph's tree (type-aware
// linting needs them on disk) and are removed afterwards.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = fileURLToPath(new URL('../subgraphs/campus/src/__planted__/', import.meta.url));

const files: Record<string, string> = {
  'planted.resolvers.ts': `import type { TenantPrisma } from '@studyspot/db';
export const count = (db: TenantPrisma) => db.seat.count();
`,
  'planted.service.ts': `import type { TenantPrisma } from '@studyspot/db';
export const seats = (db: TenantPrisma) => db.seat.findMany({ where: {} });
export const raw = (db: TenantPrisma) => db.$queryRaw\`SELECT 1\`;
`,
  'planted.repository.ts': `import type { TenantPrisma } from '@studyspot/db';
export const seats = (db: TenantPrisma) => db.seat.findMany({ where: {} });
export const dues = (db: TenantPrisma) => db.due.findMany({ where: {} });
`,
  'planted-import.ts': `export { issueDues } from '@studyspot/billing';
export * from '../../../billing/src/dues/schedule.ts';
export type { Reservation } from '@studyspot/billing/ports';
`,
};

describe('boundary rules (eslint.config.js, tools/eslint/)', () => {
  let results: Map<string, ESLint.LintResult>;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(dir + name, text);
    const eslint = new ESLint({ cwd: root });
    const out = await eslint.lintFiles(Object.keys(files).map((n) => dir + n));
    results = new Map(out.map((r) => [r.filePath.slice(dir.length), r]));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const messages = (file: string) => results.get(file)!.messages.map((m) => `${m.ruleId}: ${m.message}`);

  it('refuses Prisma in a resolver, and the database package imported by one', () => {
    const m = messages('planted.resolvers.ts');
    expect(m).toContainEqual(expect.stringMatching(/^studyspot\/data-boundary: Seat\.count outside a repository/));
    expect(m).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*A resolver does not import the database package/));
  });

  it('refuses Prisma in a service, raw SQL included', () => {
    const m = messages('planted.service.ts');
    expect(m).toContainEqual(expect.stringMatching(/Seat\.findMany outside a repository/));
    expect(m).toContainEqual(expect.stringMatching(/\$queryRaw outside a repository/));
  });

  it("lets a repository read its own subgraph's table, not another's", () => {
    const m = messages('planted.repository.ts');
    expect(m).toEqual([expect.stringMatching(/^studyspot\/data-boundary: The Due table belongs to billing, not campus/)]);
  });

  it('refuses any import of another subgraph, by package name (its index or any subpath) or by path', () => {
    const m = messages('planted-import.ts');
    expect(m).toHaveLength(3);
    expect(m[0]).toMatch(/no-restricted-imports: .*through the runtime's ports/);
    expect(m[1]).toMatch(/no-restricted-imports: .*not imported by path/);
    expect(m[2]).toMatch(/no-restricted-imports: .*through the runtime's ports/);
  });
});
