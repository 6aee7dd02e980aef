// `pnpm bench:insights`: what insights' daily rollups buy. Two tenants with two years of generated
// history (gateway/src/history.ts), one with three times the seats and students (and so the visits,
// dues and payments) of the other. Measured in the same run:
//   1. building the rollups: the first run's backfill, per tenant-day;
//   2. a 12-month owner dashboard through the gateway (monthly trend, collection efficiency, heatmap),
//      read from the rollups: p50 of 30 requests and SQL statements per request;
//   3. the same 12 months computed from the raw rows (the facts the rollups are built from, i.e. what
//      the dashboard would run without them): p50 of 10 runs and statements.
// Goals: the rollup dashboard is cheaper than the raw computation, and its cost does not grow with
// the events behind it (3× the students: statements equal, p50 within noise), while the raw one does.
// Uses TEST_DATABASE_URL / REDIS_URL when set, else embedded PGlite.
import { generateHistory, startGateway } from '@studyspot/gateway';
import { buildDue } from '@studyspot/insights';
import { addDays, clock, formatDate, istDay, ports } from '@studyspot/runtime';
import { createTestWorld } from '@studyspot/testkit';
import { percentile } from '../support/clusters.ts';
import { gql, seedTenant } from '../support/supergraph.ts';
import { demoLibrary } from './demo-library.ts';

const world = await createTestWorld({}, { logQueries: true });
const gateway = await startGateway(world.platform, 0);
const today = istDay(clock.now());
const YEAR = { f: formatDate(addDays(today, -364)), t: formatDate(today) };
const DASHBOARD = `query($l: ID!, $f: Date!, $t: Date!) {
  insightTrend(from: $f, to: $t, grain: MONTH) { points { period checkIns averageDailyStudents utilisationPercent collectedPaise duesRaisedPaise overduePaise newStudents leavingStudents } }
  collectionEfficiency(from: $f, to: $t) { month efficiencyPercent onTimePaise lateOver30DaysPaise }
  occupancyHeatmap(libraryId: $l, from: $f, to: $t) { peakHours { hour averageInside } cells { averageInside } }
}`;
let statements = 0;

async function tenantWith(slug: string, students: number, seed: number, seats: number) {
  const t = await seedTenant(world, slug, []);
  const events = await world.platform.tenants.withTenant(t.id, async (db) => {
    await demoLibrary(db, t.libraryId, seats);
    return generateHistory(db, { libraryId: t.libraryId, from: addDays(today, -730), to: addDays(today, -1), students, seed, phonePrefix: `9196${String(seed).padStart(5, '0')}` });
  });
  const lease = await world.platform.tenants.lease(t.id);
  (lease.prisma as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', () => statements++);
  lease.release();
  return { t, token: world.token({ sub: t.ownerId, role: 'OWNER', tenantId: t.id }), events };
}

async function backfill(tenantId: string) {
  const t0 = performance.now();
  let days = 0;
  for (;;) {
    const r = await world.platform.tenants.withTenant(tenantId, (db) => buildDue(db, tenantId, clock.now()));
    days += r.built;
    if (r.next > clock.now()) break;
  }
  return { days, ms: performance.now() - t0 };
}

async function viaRollups(token: string, libraryId: string) {
  const times: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < 30; i++) {
    statements = 0;
    const t0 = performance.now();
    const r = await gql(gateway.url, DASHBOARD, { token, variables: { l: libraryId, ...YEAR } });
    times.push(performance.now() - t0);
    counts.push(statements);
    if (r.errors) throw new Error(r.raw);
  }
  return { p50: percentile(times, 50), statements: Math.max(...counts) };
}

async function fromRaw(tenantId: string) {
  const times: number[] = [];
  const counts: number[] = [];
  const range = { from: addDays(today, -364), to: today, now: clock.now() };
  for (let i = 0; i < 10; i++) {
    statements = 0;
    const t0 = performance.now();
    await world.platform.tenants.withTenant(tenantId, (db) => Promise.all([ports.campus.dayFacts(db, range, null), ports.billing.dayFacts(db, range, null), ports.messages.dayFacts(db, range)]));
    times.push(performance.now() - t0);
    counts.push(statements);
  }
  return { p50: percentile(times, 50), statements: Math.max(...counts) };
}

try {
  const small = await tenantWith('insights-small', 150, 11, 40);
  const large = await tenantWith('insights-large', 450, 12, 120);
  for (const x of [small, large]) console.log(`${x.t.slug}: two years, ${JSON.stringify(x.events)}`);
  const builds = [await backfill(small.t.id), await backfill(large.t.id)];
  for (const [i, b] of builds.entries()) console.log(`backfill ${i ? 'large' : 'small'}: ${b.days} days in ${b.ms.toFixed(0)} ms = ${(b.ms / b.days).toFixed(2)} ms per tenant-day`);
  const r0 = await viaRollups(small.token, small.t.libraryId);
  const r1 = await viaRollups(large.token, large.t.libraryId);
  const w0 = await fromRaw(small.t.id);
  const w1 = await fromRaw(large.t.id);
  console.table([
    { tenant: 'small', 'rollups p50 ms': r0.p50.toFixed(1), 'rollups statements': r0.statements, 'raw p50 ms': w0.p50.toFixed(1), 'raw statements': w0.statements, 'raw / rollups': (w0.p50 / r0.p50).toFixed(2) },
    { tenant: 'large (3× students)', 'rollups p50 ms': r1.p50.toFixed(1), 'rollups statements': r1.statements, 'raw p50 ms': w1.p50.toFixed(1), 'raw statements': w1.statements, 'raw / rollups': (w1.p50 / r1.p50).toFixed(2) },
  ]);
  console.log(`growth large / small: rollups p50 ${(r1.p50 / r0.p50).toFixed(2)}×, statements ${r1.statements}/${r0.statements}; raw p50 ${(w1.p50 / w0.p50).toFixed(2)}× (${world.db.server.kind})`);
  const met = r1.statements === r0.statements && r1.p50 < w1.p50 && r0.p50 < w0.p50;
  console.log(met ? 'goal met: the rollup dashboard is cheaper than the raw computation and its statements do not grow with the events' : 'goal NOT met');
  if (!met) process.exitCode = 1;
} finally {
  await gateway.close();
  await world.close();
}
