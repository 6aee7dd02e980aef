// `pnpm bench:sweeps`: does background work cost grow with idle tenants?
// Five real tenants have due work (an open visit past closing time, an overdue due, a deferred SMS
// whose time has come). Around them, 0, 1,000 and 10,000 idle tenants: rows in the core database
// (their own databases simulated: a database each would be too much for this machine), each with
// its next work recorded a day ahead, as a real idle tenant's would be. For each count, one run of
// each sweep (campus, billing, messages) — CPU of this process, wall time, tenants visited, tenant
// clients opened. Baseline in the same run: the old way (visit every active tenant), measured per
// real tenant on 20 real idle tenants plus the 5, and extrapolated to 10,000.
// PostgreSQL and Redis as the tests use them (TEST_DATABASE_URL, REDIS_URL).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { scope } from '../../subgraphs/campus/src/shared/scope.ts';
import { expireHolds } from '../../subgraphs/campus/src/allocations/allocations.service.ts';
import { closeOverdueVisits } from '../../subgraphs/campus/src/attendance/attendance.service.ts';
import { smsSweepOnce } from '../../subgraphs/communications/src/jobs/sweeper.ts';
import { billingSweepOnce } from '@studyspot/billing';
import { sweepOnce } from '@studyspot/campus';
import { subgraphContext } from '@studyspot/runtime';
import { type WorkKind } from '@studyspot/runtime/work';
import { provisionTenant } from '@studyspot/tenancy';
import { createTestWorld } from '@studyspot/testkit';

const world = await createTestWorld();
const { platform } = world;
const KINDS: WorkKind[] = ['campus', 'billing', 'messages'];

async function realTenant(slug: string): Promise<string> {
  const r = await provisionTenant(platform.core, world.db.server, { slug, name: slug, owner: { name: 'o', email: `o@${slug}.test`, password: 'lamp orbit cactus 42' } }, { dbPrefix: world.db.prefix });
  if (!('tenant' in r)) throw new Error(JSON.stringify(r));
  return r.tenant.id;
}

/** Due work in a real tenant: a visit left open three days ago, a due 10 days overdue. */
async function makeDue(tenantId: string) {
  await platform.tenants.withTenant(tenantId, async (db) => {
    const library = await db.library.create({ data: { name: 'hall', city: 'Pune', capacity: 10 } });
    const student = await db.student.create({ data: { name: 'Asha', phone: `9190${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, libraryId: library.id } });
    const old = new Date(Date.now() - 3 * 86_400_000);
    await db.visit.create({ data: { libraryId: library.id, studentId: student.id, inSource: 'STAFF', checkedInAt: old, day: new Date(old.toISOString().slice(0, 10)) } });
    const start = new Date(Date.now() - 10 * 86_400_000);
    await db.due.create({ data: { studentId: student.id, libraryId: library.id, kind: 'MONTHLY', amountPaise: 100_000, dueDate: start, periodStart: start, periodEnd: new Date(Date.now() + 20 * 86_400_000) } });
  });
  for (const k of KINDS) await platform.work.due(tenantId, k, new Date(Date.now() - 1_000));
}

async function idleTenants(n: number) {
  const tomorrow = new Date(Date.now() + 86_400_000);
  for (let i = 0; i < n; i += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, n - i) }, () => randomUUID());
    await platform.core.tenant.createMany({ data: ids.map((id) => ({ id, slug: `idle-${id.slice(0, 18)}`, name: 'idle', dbName: `idle_${id.replaceAll('-', '')}`, status: 'ACTIVE' as const })) });
    await platform.core.tenantWork.createMany({ data: ids.flatMap((tenantId) => KINDS.map((kind) => ({ tenantId, kind, dueAt: tomorrow }))) });
  }
}

async function measure(label: string, run: () => Promise<unknown>) {
  const opened = platform.tenants.stats().misses;
  const cpu = process.cpuUsage();
  const t = performance.now();
  const r = (await run()) as { tenants?: number };
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { label, cpuMs: (used.user + used.system) / 1000, wallMs: wall, visited: r.tenants ?? 0, opened: platform.tenants.stats().misses - opened };
}

/** The old campus sweep: every active tenant, every run. */
async function oldCampusSweep() {
  const tenants = await platform.core.tenant.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
  for (const t of tenants) {
    const ctx = subgraphContext(platform, { requestId: 'old-sweep', claims: { sub: '00000000-0000-0000-0000-000000000000', role: 'SUPER_ADMIN', tenantId: null }, actingTenantId: t.id });
    try {
      const s = await scope(ctx);
      await expireHolds(ctx, s);
      for (const lib of await s.db.library.findMany({ where: { status: 'ACTIVE' }, select: { id: true } })) await closeOverdueVisits(ctx, s, lib.id);
    } finally {
      await ctx.dispose();
    }
  }
  return { tenants: tenants.length };
}

try {
  console.log(`load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const busy: string[] = [];
  for (let i = 0; i < 5; i++) busy.push(await realTenant(`busy-${i}`));
  const idleReal: string[] = [];
  for (let i = 0; i < 20; i++) idleReal.push(await realTenant(`quiet-${i}`));

  // Baseline: the old campus sweep over 25 real tenants (5 with work, 20 idle), warm clients then cold.
  for (const t of busy) await makeDue(t);
  const oldWarm = await measure('old campus sweep, 25 real tenants', oldCampusSweep);
  const oldAgain = await measure('old campus sweep again (nothing due)', oldCampusSweep);
  console.log(`\nBaseline (old: every active tenant each run): ${oldWarm.visited} tenants visited, ${oldWarm.cpuMs.toFixed(0)} ms CPU, ${oldWarm.wallMs.toFixed(0)} ms; again with nothing due: ${oldAgain.cpuMs.toFixed(0)} ms CPU = ${(oldAgain.cpuMs / oldAgain.visited).toFixed(2)} ms CPU per idle tenant → ~${((oldAgain.cpuMs / oldAgain.visited) * 10_000 / 1000).toFixed(1)} CPU-s per run at 10,000 tenants (this process only, not the database's)`);
  // The 20 quiet tenants' work is recorded as a real idle tenant's would be (next due tomorrow).
  for (const t of idleReal) for (const k of KINDS) await platform.work.done(t, k, new Date(Date.now() + 86_400_000));

  // Warm-up (JIT, prepared plans), not counted.
  for (const t of busy) await makeDue(t);
  await sweepOnce(platform);
  await billingSweepOnce(platform);
  await smsSweepOnce(platform);

  const rows: Awaited<ReturnType<typeof measure>>[] = [];
  let idle = 0;
  for (const target of [0, 1_000, 10_000]) {
    await idleTenants(target - idle);
    idle = target;
    for (const t of busy) await makeDue(t);
    rows.push(await measure(`campus, ${idle} idle`, () => sweepOnce(platform)));
    rows.push(await measure(`billing, ${idle} idle`, () => billingSweepOnce(platform)));
    rows.push(await measure(`messages, ${idle} idle`, () => smsSweepOnce(platform)));
    // And a run with nothing due at all: the cost of looking.
    rows.push(await measure(`all three, nothing due, ${idle} idle`, async () => ({ tenants: (await sweepOnce(platform)).tenants + (await billingSweepOnce(platform)).tenants + (await smsSweepOnce(platform)).tenants })));
  }
  console.log(`\nWork-driven sweeps: 5 tenants with due work, 20 real idle tenants, plus N simulated idle tenants`);
  console.log('  run                                    CPU ms   wall ms  visited  clients opened');
  for (const r of rows) console.log(`  ${r.label.padEnd(38)} ${r.cpuMs.toFixed(1).padStart(7)} ${r.wallMs.toFixed(1).padStart(8)} ${String(r.visited).padStart(8)} ${String(r.opened).padStart(15)}`);
  const cost = (n: number) => rows.filter((r) => r.label.endsWith(` ${n} idle`) && !r.label.startsWith('all')).reduce((s, r) => s + r.cpuMs, 0);
  const look = (n: number) => rows.find((r) => r.label === `all three, nothing due, ${n} idle`)!.cpuMs;
  console.log(`\nCPU of the three sweeps with due work: ${cost(0).toFixed(0)} ms at 0 idle, ${cost(1_000).toFixed(0)} ms at 1,000, ${cost(10_000).toFixed(0)} ms at 10,000 (ratio 10,000/0: ${(cost(10_000) / cost(0)).toFixed(2)}×)`);
  console.log(`CPU of looking when nothing is due: ${look(0).toFixed(1)} ms at 0 idle, ${look(10_000).toFixed(1)} ms at 10,000 (ratio ${(look(10_000) / look(0)).toFixed(2)}×)`);
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await world.close();
}
