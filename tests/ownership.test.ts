// The ownership table in ARCHITECTURE.md names every Prisma model exactly once, with its real
// database and a known owner; the lint rule reads the same table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOwnership } from '../tools/eslint/ownership.js';

const models = (file: string) => [...readFileSync(new URL(`../prisma/${file}/schema.prisma`, import.meta.url), 'utf8').matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!);

describe('table ownership', () => {
  const table = readOwnership();
  const core = models('core');
  const tenant = models('tenant');

  it('lists every model of both schemas, in the database it lives in, and nothing else', () => {
    expect(core.length).toBeGreaterThan(10);
    expect(tenant.length).toBeGreaterThan(20);
    for (const m of core) expect(table.get(m)?.database, m).toBe('core');
    for (const m of tenant) expect(table.get(m)?.database, m).toBe('tenant');
    expect([...table.keys()].sort()).toEqual([...core, ...tenant].sort());
  });

  it('gives each model an owner that exists', () => {
    const owners = new Set(['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights', 'runtime']);
    for (const [model, row] of table) expect(owners.has(row.owner), `${model}: ${row.owner}`).toBe(true);
  });

  it('fails on a table without the markers', () => {
    expect(() => readOwnership('# no table here')).toThrow(/no ownership table/);
  });
});
