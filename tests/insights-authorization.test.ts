// Every insights query and mutation × every kind of caller, and the cross-tenant rule: tenant B's
// owner presenting tenant A's library finds nothing, and nothing of A's rollups changes.
import { randomUUID } from 'node:crypto';
import { insightsSubgraph } from '@studyspot/insights';
import { addDays, buildSubgraph, clock, formatDate, istDay, rootFieldAccess, type Role } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRoleOutcome, type MatrixCaller } from './support/matrix.ts';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
const CALLERS: MatrixCaller[] = ['anonymous', 'expired', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];
const tokens = new Map<MatrixCaller, string | undefined>();

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: null }));
  for (const role of ['OWNER', 'MANAGER', 'STAFF'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id }));
  tokens.set('STUDENT', w.tokenFor({ sub: w.a.studentIds[0]!, role: 'STUDENT', tenantId: w.a.id }));
  tokens.set('expired', w.tokenFor({ sub: randomUUID(), role: 'OWNER', tenantId: w.a.id }, -60));
}, 60_000);

afterAll(async () => {
  await w?.close();
});

// Owners and managers read insights (managers their branches); platform roles on a tenant they chose.
const READ: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER'];
const SETTINGS: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER'];
const range = () => ({ f: formatDate(addDays(istDay(clock.now()), -30)), t: formatDate(istDay(clock.now())) });
const noLibrary = (r: GqlResult) => {
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  expect(r.data).toBeNull();
};

interface Op {
  doc: string;
  vars: () => Record<string, unknown>;
  allowed: Role[];
  crossTenant?: (r: GqlResult) => void;
}

const MATRIX: Record<string, Op> = {
  'Query.insightsStatus': { doc: '{ insightsStatus { today } }', vars: () => ({}), allowed: READ },
  'Query.occupancyHeatmap': { doc: 'query($l: ID!, $f: Date!, $t: Date!) { occupancyHeatmap(libraryId: $l, from: $f, to: $t) { seats } }', vars: () => ({ l: w.a.libraryId, ...range() }), allowed: READ, crossTenant: noLibrary },
  'Query.insightTrend': { doc: 'query($l: ID, $f: Date!, $t: Date!) { insightTrend(from: $f, to: $t, libraryId: $l) { points { checkIns } } }', vars: () => ({ l: w.a.libraryId, ...range() }), allowed: READ, crossTenant: noLibrary },
  'Query.collectionEfficiency': { doc: 'query($l: ID, $f: Date!, $t: Date!) { collectionEfficiency(from: $f, to: $t, libraryId: $l) { month } }', vars: () => ({ l: w.a.libraryId, ...range() }), allowed: READ, crossTenant: noLibrary },
  'Query.insightRows': { doc: 'query($l: ID!, $d: Date!) { insightRows(libraryId: $l, day: $d, figure: COLLECTED) { value } }', vars: () => ({ l: w.a.libraryId, d: range().t }), allowed: READ, crossTenant: noLibrary },
  'Query.occupancyForecast': { doc: 'query($l: ID!) { occupancyForecast(libraryId: $l) { madeOn } }', vars: () => ({ l: w.a.libraryId }), allowed: READ, crossTenant: noLibrary },
  'Query.collectionsForecast': { doc: 'query($l: ID) { collectionsForecast(libraryId: $l) { totalPaise } }', vars: () => ({ l: w.a.libraryId }), allowed: READ, crossTenant: noLibrary },
  'Query.studentsAtRisk': { doc: 'query($l: ID) { studentsAtRisk(libraryId: $l) { students { leaveProbability } } }', vars: () => ({ l: w.a.libraryId }), allowed: READ, crossTenant: noLibrary },
  'Query.renewals': { doc: 'query($l: ID, $f: Date!, $t: Date!) { renewals(from: $f, to: $t, libraryId: $l) { month } }', vars: () => ({ l: w.a.libraryId, ...range() }), allowed: READ, crossTenant: noLibrary },
  'Query.retentionCohorts': { doc: 'query($l: ID, $f: Date!, $t: Date!) { retentionCohorts(from: $f, to: $t, libraryId: $l) { month } }', vars: () => ({ l: w.a.libraryId, ...range() }), allowed: READ, crossTenant: noLibrary },
  'Query.insightsExport': { doc: 'query($i: InsightExportInput!) { insightsExport(input: $i) { filename } }', vars: () => ({ i: { report: 'HEATMAP', libraryId: w.a.libraryId, from: range().f, to: range().t } }), allowed: READ, crossTenant: noLibrary },
  'Query.platformInsights': { doc: 'query($f: Date!, $t: Date!) { platformInsights(from: $f, to: $t) { points { mrrPaise } } }', vars: () => range(), allowed: ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] },
  'Mutation.rebuildInsights': { doc: 'mutation($f: Date!, $t: Date!) { rebuildInsights(from: $f, to: $t) { days userErrors { code } } }', vars: () => range(), allowed: SETTINGS },
};

const headersFor = (caller: MatrixCaller): Record<string, string> => (caller === 'SUPER_ADMIN' || caller === 'ADMIN' || caller === 'SUPPORT' ? { 'x-tenant-id': w.a.id } : {});
const rollupsOfA = () => w.world.platform.tenants.withTenant(w.a.id, async (db) => ({ libraries: await db.insightLibraryDay.findMany({ orderBy: [{ day: 'asc' }, { libraryId: 'asc' }] }), tenant: await db.insightTenantDay.findMany({ orderBy: { day: 'asc' } }), forecasts: await db.insightForecast.findMany({ orderBy: { key: 'asc' } }) }));

describe('insights authorization matrix', () => {
  it('covers every insights query and mutation', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFieldAccess(buildSubgraph(insightsSubgraph)).filter((f) => f.type !== 'Subscription').map((f) => `${f.type}.${f.field}`).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((c) => [name, c, op] as const));
  it.each(cases)('%s as %s', async (_n, caller, op) => {
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get(caller), variables: op.vars(), headers: headersFor(caller) });
    expectRoleOutcome(r, caller, op.allowed);
  });
});

describe('cross-tenant rule', () => {
  it.each(Object.entries(MATRIX).filter(([, op]) => op.crossTenant))("%s with tenant A's library, as tenant B's owner, finds nothing", async (_n, op) => {
    const before = await rollupsOfA();
    const r = await gql(w.gateway.url, op.doc, { token: w.ownerToken(w.b), variables: op.vars() });
    op.crossTenant!(r);
    expect(await rollupsOfA()).toEqual(before);
  });

  it("tenant B's owner rebuilding builds and changes only B's own days", async () => {
    const before = await rollupsOfA();
    const r = await gql(w.gateway.url, MATRIX['Mutation.rebuildInsights']!.doc, { token: w.ownerToken(w.b), variables: range() });
    expect(r.data).toEqual({ rebuildInsights: { days: 31, userErrors: [] } });
    // B's days are built in B's database, for B's library only.
    const libraries = await w.world.platform.tenants.withTenant(w.b.id, (db) => db.insightLibraryDay.findMany({ distinct: ['libraryId'], select: { libraryId: true } }));
    expect(libraries).toEqual([{ libraryId: w.b.libraryId }]);
    expect(await rollupsOfA()).toEqual(before);
  });
});
