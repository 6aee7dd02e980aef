// Two replicas started together on one empty database both try to seed the demo tenant: one seeds,
// the other starts without seeding, and the logins file holds the passwords of the one that did.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SLUG, readDemoLogins, seedDemo } from '@studyspot/gateway';
import { createPlatform } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { verifyPassword } from '@studyspot/runtime/security';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let w: TestWorld;
const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-seed-'));

beforeAll(async () => {
  w = await createTestWorld({ dataDir });
});
afterAll(async () => {
  await w?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('lets one of two replicas seed the demo tenant; the other starts without seeding', async () => {
  const replica = await createPlatform(w.config, createLogger('replica', 'silent'));
  try {
    const seeded = await Promise.all([seedDemo(w.platform), seedDemo(replica)]);
    expect(seeded.filter(Boolean)).toHaveLength(1);
    const demo = await w.platform.core.tenant.findMany({ where: { slug: DEMO_SLUG }, include: { users: { where: { role: 'OWNER' } } } });
    expect(demo.map((t) => t.status)).toEqual(['ACTIVE']);
    // The logins file is the seeding replica's: its owner password signs in; no temporary file is left.
    const logins = readDemoLogins(w.platform)!;
    expect(await verifyPassword(demo[0]!.users[0]!.passwordHash!, logins.owner.password)).toBe(true);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // A later start sees the tenant and seeds nothing.
    expect(await seedDemo(replica)).toBe(false);
  } finally {
    await replica.close();
  }
});

it('gives the demo tenant admissions in every stage of the board: a converted lead with its seat and first dues, a lost one with its reason, a follow-up due', async () => {
  const demo = await w.platform.core.tenant.findFirstOrThrow({ where: { slug: DEMO_SLUG } });
  const rows = await w.platform.tenants.withTenant(demo.id, async (db) => ({
    stages: await db.leadStage.findMany({ orderBy: { position: 'asc' }, include: { _count: { select: { leads: true } } } }),
    won: await db.lead.findFirstOrThrow({ where: { convertedAt: { not: null } } }),
    lost: await db.lead.findFirstOrThrow({ where: { closedAt: { not: null }, convertedAt: null } }),
    followUps: await db.leadFollowUp.count({ where: { doneAt: null } }),
  }));
  expect(rows.stages.map((s) => [s.key, s._count.leads > 0])).toEqual(['NEW', 'CONTACTED', 'VISIT_SCHEDULED', 'VISITED', 'WON', 'LOST'].map((k) => [k, true]));
  expect(rows.lost.lostReason).toMatch(/night shift/);
  expect(rows.followUps).toBe(1);
  const student = await w.platform.tenants.withTenant(demo.id, async (db) => ({
    student: await db.student.findUniqueOrThrow({ where: { id: rows.won.studentId! } }),
    dues: await db.due.count({ where: { allocationId: rows.won.allocationId! } }),
  }));
  expect(student.student.phone).toBe(rows.won.phone);
  expect(student.dues).toBeGreaterThan(0);
});

it('gives the demo tenant referrals: one earned, its ₹200 off the referrer\'s next due, and one pending from the converted lead', async () => {
  const demo = await w.platform.core.tenant.findFirstOrThrow({ where: { slug: DEMO_SLUG } });
  const rows = await w.platform.tenants.withTenant(demo.id, async (db) => ({
    referrals: await db.referral.findMany({ orderBy: { createdAt: 'asc' }, include: { rewards: true } }),
    won: await db.lead.findFirstOrThrow({ where: { convertedAt: { not: null } } }),
    discounts: await db.dueAdjustment.findMany({ where: { kind: 'DISCOUNT', reason: 'Referral reward' } }),
  }));
  expect(rows.referrals.map((r) => [r.status, r.rewardPaise, r.rewards.map((x) => x.amountPaise)])).toEqual([
    ['EARNED', 20_000, [20_000]],
    ['PENDING', 0, []],
  ]);
  expect(rows.referrals[1]!.referredStudentId).toBe(rows.won.studentId);
  expect(rows.discounts.map((d) => [d.dueId, d.amountPaise])).toEqual([[rows.referrals[0]!.rewards[0]!.dueId, -20_000]]);
});

it('gives the demo tenant a help desk: a resolved ticket with an internal note, one waiting on its student, a new one, each triaged', async () => {
  const demo = await w.platform.core.tenant.findFirstOrThrow({ where: { slug: DEMO_SLUG } });
  // The tickets seeded through the help desk (triaged); the history's older complaints are not triaged.
  const tickets = await w.platform.tenants.withTenant(demo.id, (db) => db.ticket.findMany({ where: { suggestionConfidence: { not: null } }, orderBy: { number: 'asc' }, include: { messages: true } }));
  expect(tickets.map((t) => [t.subject, t.status, t.category])).toEqual([
    ['AC not cooling', 'RESOLVED', 'FACILITIES'],
    ['Washroom dirty', 'WAITING_ON_STUDENT', 'CLEANLINESS'],
    ['Fee shows due', 'NEW', 'FEES'],
  ]);
  expect(tickets[0]!.messages.map((m) => m.kind).sort()).toEqual(['EVENT', 'EVENT', 'INTERNAL', 'PUBLIC', 'PUBLIC']);
  for (const t of tickets) expect(t.suggestionConfidence).toBeGreaterThan(0);
  // Six months of complaints from the history: some still open, none with an SLA notice still to send
  // (a fresh start sends no burst of them).
  const history = await w.platform.tenants.withTenant(demo.id, (db) => db.ticket.findMany({ where: { suggestionConfidence: null } }));
  expect(history.length).toBeGreaterThan(3);
  expect(history.some((t) => t.status === 'OPEN')).toBe(true);
  expect(history.filter((t) => t.status === 'OPEN' && (!t.atRiskAt || !t.breachedAt))).toEqual([]);
});
