// `pnpm bench:board`: the admissions board through the gateway on loopback — Query.leadBoard (six
// columns, counts and first pages of 10) and a page of one column (leadsInStage) — over a tenant
// with 10,000 leads, against the same queries over a tenant with 100 leads measured in the same run
// (the baseline). Prints p50/p95 of 100 sequential requests each and the SQL statements per request,
// which must not grow with the leads. Uses TEST_DATABASE_URL / REDIS_URL when set, else embedded PGlite.
import { randomUUID } from 'node:crypto';
import { startGateway } from '@studyspot/gateway';
import { createTestWorld } from '@studyspot/testkit';
import { percentile } from '../support/clusters.ts';
import { gql, seedTenant } from '../support/supergraph.ts';

const world = await createTestWorld({}, { logQueries: true });
const gateway = await startGateway(world.platform, 0);
const BOARD = '{ leadBoard(first: 10) { stage { key } count leads { edges { node { id name phone stage { key } } } pageInfo { hasNextPage endCursor } } } }';
const COLUMN = 'query($s: ID!, $after: String) { leadsInStage(stageId: $s, first: 20, after: $after) { edges { node { id name } } pageInfo { endCursor } } }';
let statements = 0;

async function tenantWith(slug: string, leads: number) {
  const t = await seedTenant(world, slug, []);
  const token = world.token({ sub: t.ownerId, role: 'OWNER', tenantId: t.id });
  await gql(gateway.url, '{ leadStages { id } }', { token }); // the default stages
  await world.platform.tenants.withTenant(t.id, async (db) => {
    const stages = await db.leadStage.findMany({ orderBy: { position: 'asc' } });
    const base = Date.now() - leads * 60_000;
    for (let i = 0; i < leads; i += 2_000) {
      await db.lead.createMany({
        data: Array.from({ length: Math.min(2_000, leads - i) }, (_, j) => {
          const n = i + j;
          const stage = stages[n % stages.length]!;
          const at = new Date(base + n * 60_000);
          return { id: randomUUID(), libraryId: t.libraryId, stageId: stage.id, name: `Lead ${n}`, phone: `9170${String(n).padStart(8, '0')}`, source: 'WEBSITE' as const, createdAt: at, updatedAt: at, closedAt: stage.kind === 'OPEN' ? null : at };
        }),
      });
    }
  });
  const lease = await world.platform.tenants.lease(t.id);
  (lease.prisma as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', () => statements++);
  lease.release();
  return { token, stageId: (await world.platform.tenants.withTenant(t.id, (db) => db.leadStage.findFirstOrThrow({ where: { key: 'NEW' } }))).id };
}

async function measure(label: string, token: string, doc: string, variables?: Record<string, unknown>) {
  const times: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < 100; i++) {
    statements = 0;
    const t0 = performance.now();
    const r = await gql(gateway.url, doc, { token, variables });
    times.push(performance.now() - t0);
    counts.push(statements);
    if (r.errors) throw new Error(r.raw);
  }
  const p50 = percentile(times, 50);
  console.log(`${label}: p50 ${p50.toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, ${Math.max(...counts)} SQL statements per request`);
  return { p50, statements: Math.max(...counts) };
}

try {
  const small = await tenantWith('board-small', 100);
  const large = await tenantWith('board-large', 10_000);
  const b0 = await measure('board, 100 leads (baseline)', small.token, BOARD);
  const b1 = await measure('board, 10,000 leads', large.token, BOARD);
  const c0 = await measure('a column page, 100 leads (baseline)', small.token, COLUMN, { s: small.stageId });
  const c1 = await measure('a column page, 10,000 leads', large.token, COLUMN, { s: large.stageId });
  console.log(`ratios 10,000 / 100 leads: board p50 ${(b1.p50 / b0.p50).toFixed(2)}×, statements ${b1.statements}/${b0.statements}; column page p50 ${(c1.p50 / c0.p50).toFixed(2)}×, statements ${c1.statements}/${c0.statements} (${world.db.server.kind})`);
  if (b1.statements !== b0.statements || c1.statements !== c0.statements) {
    console.log('goal NOT met: statements per request grow with the leads');
    process.exitCode = 1;
  } else console.log('goal met: statements per request do not grow with the leads');
} finally {
  await gateway.close();
  await world.close();
}
