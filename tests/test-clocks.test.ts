// Test clocks through the gateway: a platform admin makes a clock, attaches a tenant, and advances it;
// every rule that reads time for that tenant reads the clock, and the work that fell due in between
// runs once, in order, before the advance answers. One test per subgraph across a boundary (a month,
// a day, 21:00 and 10:00 IST), the README's platform-billing walk-through, and half + half = whole.
import { randomUUID } from 'node:crypto';
import { addDays, clock, istDay, istInstant } from '@studyspot/runtime';
import { startMsg91Simulator } from '@studyspot/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prorate } from '../subgraphs/billing/src/platform/periods.ts';
import { monthEnd, setUpLibrary } from './support/campus.ts';
import { gql, seedTenant, type SeededTenant, type SupergraphWorld, createSupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let admin: string;
let sim: Awaited<ReturnType<typeof startMsg91Simulator>>;
/** The first IST day of every clock here: tomorrow by the process clock (so any run date works). */
const day0 = addDays(istDay(clock.processNow()), 1);
const dayStr = (n: number) => addDays(day0, n).toISOString().slice(0, 10);
/** An instant on day0 + n at HH:MM IST. */
const at = (n: number, hhmm: string) => istInstant(addDays(day0, n), Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  admin = w.tokenFor({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null });
  sim = await startMsg91Simulator();
  w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp', reportToken: 'r'.repeat(40), timeoutMs: 1_000 };
  const stock = await gql(w.gateway.url, 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 100000, costPaise: 1500000, idempotencyKey: "clock-stock" }) { userErrors { code } } }', { token: admin });
  expect(stock.data).toEqual({ purchaseWholesaleCredits: { userErrors: [] } });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await w?.close();
});

type Payload = { testClock: { id: string; frozenTime: string; status: string; tenants: { id: string; slug: string }[] } | null; advance: { from: string; to: string; steps: number; runs: { work: string; runs: number; failed: number }[]; milliseconds: number } | null; userErrors: { code: string; message: string }[] };
const CLOCK = 'testClock { id frozenTime status tenants { id slug } } advance { from to steps runs { work runs failed } milliseconds } userErrors { code message }';
async function call(op: string, args: string, variables: Record<string, unknown>): Promise<Payload> {
  const r = await gql(w.gateway.url, `mutation${args} { ${op} { ${CLOCK} } }`, { token: admin, variables });
  if (r.errors) throw new Error(r.raw);
  return Object.values(r.data!)[0] as Payload;
}
const createClock = (name: string, frozenTime: Date) => call('createTestClock(name: $n, frozenTime: $t)', '($n: String!, $t: DateTime)', { n: name, t: frozenTime.toISOString() });
const attach = (clockId: string, tenantId: string) => call('attachTestClock(testClockId: $c, tenantId: $t)', '($c: ID!, $t: ID!)', { c: clockId, t: tenantId });
const advance = (clockId: string, to: Date) => call('advanceTestClock(id: $c, to: $t)', '($c: ID!, $t: DateTime!)', { c: clockId, t: to.toISOString() });

/** The last day of `n` billing months from `start`. */
const monthsEnd = (start: string, n: number): string => {
  let end = monthEnd(start);
  for (let i = 1; i < n; i++) end = monthEnd(addDays(new Date(`${end}T00:00:00Z`), 1).toISOString().slice(0, 10));
  return end;
};

/** A plan made by the platform admin (a unique code each call); returns its id. */
async function createPlan(input: Record<string, unknown>): Promise<string> {
  const r = await gql(w.gateway.url, 'mutation($i: PlanInput!) { createPlan(input: $i) { plan { id } userErrors { code } } }', { token: admin, variables: { i: { name: 'Plan', limits: {}, trialDays: 0, cycle: 'MONTHLY', ...input, code: `${String(input.code ?? 'plan')}-${randomUUID().slice(0, 8)}` } } });
  if (r.errors) throw new Error(r.raw);
  return (r.data!.createPlan as { plan: { id: string } }).plan.id;
}

/** A new tenant on a new clock at `start`. */
async function clocked(slug: string, start: Date): Promise<{ t: SeededTenant; clockId: string; owner: string }> {
  const t = await seedTenant(w.world, `${slug}-${randomUUID().slice(0, 6)}`, ['Asha Clock']);
  const c = await createClock(slug, start);
  expect(c.userErrors).toEqual([]);
  // The clock's tenants are whole tenants (their fields resolve), not bare references.
  expect((await attach(c.testClock!.id, t.id)).testClock!.tenants).toEqual([{ id: t.id, slug: t.slug }]);
  return { t, clockId: c.testClock!.id, owner: w.ownerToken(t) };
}

describe('test clocks', () => {
  it('are refused when they would move time backwards, and advance only forward, one advance at a time', async () => {
    expect((await createClock('past', new Date(clock.processNow().getTime() - 3_600_000))).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    const { clockId } = await clocked('rules', at(0, '10:00'));
    expect((await advance(clockId, at(0, '09:00'))).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    expect((await advance(clockId, at(800, '09:00'))).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    // Two advances at once: one runs the 60 days (once), the other is refused — CLOCK_BUSY while the
    // first runs (a second or so here), or, had it come after, INVALID_INPUT (the clock is there already).
    const [a, b] = await Promise.all([advance(clockId, at(60, '10:00')), advance(clockId, at(60, '10:00'))]);
    const outcomes = [a, b].map((p) => p.userErrors.map((e) => e.code).join() || 'ok');
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(['CLOCK_BUSY', 'INVALID_INPUT']).toContain(outcomes.find((o) => o !== 'ok'));
    const winner = a.advance ? a : b;
    expect(winner.advance!.runs.find((r) => r.work === 'platform billing')).toEqual({ work: 'platform billing', runs: 60, failed: 0 });
    expect(winner.testClock!.frozenTime).toBe(at(60, '10:00').toISOString());
    // Only platform admins see or move clocks.
    const owner = await gql(w.gateway.url, '{ testClocks { id } }', { token: w.ownerToken(w.a) });
    expect(owner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("runs a subscription's whole life: a trial that converts, an upgrade on day 10 with its proration, an unpaid renewal dunned to suspension, and a payment that restores it", async () => {
    const { t, clockId, owner } = await clocked('walk', at(0, '10:00'));
    const basic = await createPlan({ code: 'basic', name: 'Basic', pricePaise: 99_900, cycle: 'MONTHLY', trialDays: 14, limits: {}, includedCredits: 100 });
    const pro = await createPlan({ code: 'pro', name: 'Pro', pricePaise: 199_900, cycle: 'MONTHLY', trialDays: 0, limits: {}, includedCredits: 0 });
    const SUB = 'subscription { status currentPeriodStart currentPeriodEnd trialEndsAt plan { code } }';
    const mutate = async (op: string, token = owner) => {
      const r = await gql(w.gateway.url, `mutation { ${op} { ${SUB} change { chargePaise creditPaise netPaise remainingDays periodDays } userErrors { code message } } }`, { token });
      if (r.errors) throw new Error(r.raw);
      return Object.values(r.data!)[0] as { subscription: { status: string; currentPeriodStart: string; currentPeriodEnd: string; trialEndsAt: string | null }; change: Record<string, number> | null; userErrors: unknown[] };
    };
    const state = async () => w.world.platform.core.tenantSubscription.findUniqueOrThrow({ where: { tenantId: t.id } });
    const invoices = () => w.world.platform.core.platformInvoice.findMany({ where: { tenantId: t.id }, orderBy: { seq: 'asc' } });

    // Day 0: a 14-day trial starts on the clock's day, not today's.
    expect((await mutate(`subscribeTenant(planId: "${basic}")`)).subscription).toMatchObject({ status: 'TRIALING', currentPeriodStart: dayStr(0), trialEndsAt: dayStr(14) });
    // Day 14: the trial converts; the first period is billed.
    const a1 = await advance(clockId, at(14, '10:00'));
    expect(a1.userErrors).toEqual([]);
    expect(a1.testClock!.frozenTime).toBe(at(14, '10:00').toISOString());
    expect(await state()).toMatchObject({ status: 'ACTIVE', currentPeriodStart: new Date(`${dayStr(14)}T00:00:00Z`) });
    const [first] = await invoices();
    expect(first).toMatchObject({ kind: 'SUBSCRIPTION', status: 'OPEN', taxablePaise: 99_900, dueOn: new Date(`${dayStr(14)}T00:00:00Z`) });
    const pay = (id: string) => gql(w.gateway.url, 'mutation($i: ID!) { recordPlatformInvoicePayment(invoiceId: $i, reference: "UPI 1") { invoice { status } userErrors { code } } }', { token: admin, variables: { i: id } });
    expect((await pay(first!.id)).data).toEqual({ recordPlatformInvoicePayment: { invoice: { status: 'PAID' }, userErrors: [] } });
    // Day 10 of the period: the upgrade is prorated for the days left.
    await advance(clockId, at(24, '11:00'));
    const periodEnd = (await state()).currentPeriodEnd.toISOString().slice(0, 10);
    const expected = prorate({ oldPricePaise: 99_900, oldCycle: 'MONTHLY', newPricePaise: 199_900, newCycle: 'MONTHLY', periodStart: dayStr(14), periodEnd, today: dayStr(24) });
    const up = await mutate(`changePlan(planId: "${pro}")`);
    expect(up.userErrors).toEqual([]);
    expect(up.change).toEqual({ chargePaise: expected.chargePaise, creditPaise: expected.creditPaise, netPaise: expected.netPaise, remainingDays: expected.remainingDays, periodDays: expected.periodDays });
    expect(expected.remainingDays).toBe(expected.periodDays - 10);
    const upgrade = (await invoices()).find((i) => i.kind === 'UPGRADE')!;
    expect(upgrade).toMatchObject({ taxablePaise: expected.netPaise, issuedOn: new Date(`${dayStr(24)}T00:00:00Z`) });
    expect((await pay(upgrade.id)).data).toMatchObject({ recordPlatformInvoicePayment: { invoice: { status: 'PAID' } } });

    // The period ends unpaid: renewal, retries on days 1 and 3, suspension on day 7 — one advance.
    const end = new Date(`${periodEnd}T00:00:00Z`);
    const a2 = await advance(clockId, istInstant(addDays(end, 8), 9 * 60));
    expect(a2.advance!.runs.find((r) => r.work === 'platform billing')).toMatchObject({ failed: 0 });
    expect(await state()).toMatchObject({ status: 'SUSPENDED', failedRenewals: 3, planVersionId: expect.any(String) });
    expect((await w.world.platform.core.tenant.findUniqueOrThrow({ where: { id: t.id } })).status).toBe('SUSPENDED');
    const renewal = (await invoices()).filter((i) => i.kind === 'SUBSCRIPTION');
    expect(renewal).toHaveLength(2);
    expect(renewal[1]).toMatchObject({ status: 'OPEN', taxablePaise: 199_900, dueOn: end });
    // Once each, in order, each on its day (the audit log's times are the clock's).
    const log = await w.world.platform.core.auditLog.findMany({ where: { tenantId: t.id, action: { startsWith: 'subscription.' } }, orderBy: { createdAt: 'asc' }, select: { action: true, createdAt: true } });
    const day = (d: Date) => istDay(d).toISOString().slice(0, 10);
    expect(log.map((l) => [l.action, day(l.createdAt)])).toEqual([
      ['subscription.trial_started', dayStr(0)],
      ['subscription.trial_converted', dayStr(14)],
      ['subscription.plan_changed', dayStr(24)],
      ['subscription.renewed', periodEnd],
      ['subscription.payment_failed', addDays(end, 1).toISOString().slice(0, 10)],
      ['subscription.payment_failed', addDays(end, 3).toISOString().slice(0, 10)],
      ['subscription.suspended', addDays(end, 7).toISOString().slice(0, 10)],
    ]);
    // The payment restores the subscription and the tenant.
    expect((await pay(renewal[1]!.id)).data).toMatchObject({ recordPlatformInvoicePayment: { invoice: { status: 'PAID' } } });
    expect(await state()).toMatchObject({ status: 'ACTIVE', failedRenewals: 0 });
    expect((await w.world.platform.core.tenant.findUniqueOrThrow({ where: { id: t.id } })).status).toBe('ACTIVE');
  });

  it("reproduces the README's example exactly: Basic (₹999) to Pro (₹1,999) on day 10 of a 30-day month", async () => {
    // The next April 1 (a 30-day month) at 10:00 IST.
    const now = clock.processNow();
    let y = now.getUTCFullYear();
    while (istInstant(new Date(Date.UTC(y, 3, 1)), 600) <= new Date(now.getTime() + 86_400_000)) y++;
    const april1 = istInstant(new Date(Date.UTC(y, 3, 1)), 600);
    const { t, clockId } = await clocked('readme', april1);
    const [basic, pro] = [await createPlan({ code: 'basic', pricePaise: 99_900 }), await createPlan({ code: 'pro', pricePaise: 199_900 })];
    await gql(w.gateway.url, `mutation { subscribeTenant(tenantId: "${t.id}", planId: "${basic}") { userErrors { code } } }`, { token: admin });
    // The first month is paid (unpaid, dunning would suspend the tenant on day 8).
    const [first] = await w.world.platform.core.platformInvoice.findMany({ where: { tenantId: t.id } });
    await gql(w.gateway.url, 'mutation($i: ID!) { recordPlatformInvoicePayment(invoiceId: $i, reference: "UPI 9") { userErrors { code } } }', { token: admin, variables: { i: first!.id } });
    await advance(clockId, istInstant(new Date(Date.UTC(y, 3, 10)), 600));
    // As the README's walk-through does it: a platform admin naming the tenant (its clock's day applies).
    const r = await gql(w.gateway.url, `mutation { changePlan(tenantId: "${t.id}", planId: "${pro}") { change { creditPaise chargePaise netPaise remainingDays periodDays } userErrors { code } } }`, { token: admin });
    expect(r.data).toEqual({ changePlan: { change: { creditPaise: 69_930, chargePaise: 139_930, netPaise: 70_000, remainingDays: 21, periodDays: 30 }, userErrors: [] } });
  });

  it('advancing twice by half gives what advancing once by the whole gives', async () => {
    const plan = await createPlan({ code: 'half', name: 'Half', pricePaise: 50_000, trialDays: 7, includedCredits: 10 });
    const outcome = async (steps: Date[]) => {
      const { t, clockId, owner } = await clocked('half', at(0, '10:00'));
      await gql(w.gateway.url, `mutation { subscribeTenant(planId: "${plan}") { userErrors { code } } }`, { token: owner });
      for (const s of steps) expect((await advance(clockId, s)).userErrors).toEqual([]);
      const sub = await w.world.platform.core.tenantSubscription.findUniqueOrThrow({ where: { tenantId: t.id }, select: { status: true, currentPeriodStart: true, currentPeriodEnd: true, failedRenewals: true } });
      const inv = await w.world.platform.core.platformInvoice.findMany({ where: { tenantId: t.id }, orderBy: { seq: 'asc' }, select: { kind: true, status: true, totalPaise: true, issuedOn: true, dueOn: true } });
      const log = (await w.world.platform.core.auditLog.findMany({ where: { tenantId: t.id, action: { startsWith: 'subscription.' } }, orderBy: { createdAt: 'asc' }, select: { action: true, createdAt: true } })).map((l) => [l.action, l.createdAt.toISOString()]);
      return { sub, inv, log };
    };
    const whole = await outcome([at(45, '12:00')]);
    const halves = await outcome([at(22, '23:00'), at(45, '12:00')]);
    expect(halves).toEqual(whole);
    // What both went through: the trial converted on day 7, its invoice went unpaid, dunning suspended it.
    expect(whole.sub.status).toBe('SUSPENDED');
    expect(whole.log.map(([a]) => a)).toEqual(['subscription.trial_started', 'subscription.trial_converted', 'subscription.payment_failed', 'subscription.payment_failed', 'subscription.suspended']);
  });
});

describe('pause and resume, per state (on a test clock)', () => {
  const op = async (owner: string, field: string) => {
    const r = await gql(w.gateway.url, `mutation { ${field} { subscription { status } userErrors { code message } } }`, { token: owner });
    if (r.errors) throw new Error(r.raw);
    return Object.values(r.data!)[0] as { subscription: { status: string } | null; userErrors: unknown[] };
  };
  const sub = (tenantId: string) => w.world.platform.core.tenantSubscription.findUniqueOrThrow({ where: { tenantId } });
  const invoices = (tenantId: string) => w.world.platform.core.platformInvoice.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });
  const credits = async (owner: string) => ((await gql(w.gateway.url, '{ currentTenant { wallet { balance } } }', { token: owner })).data!.currentTenant as { wallet: { balance: number } }).wallet.balance;
  const d = (n: number) => new Date(`${dayStr(n)}T00:00:00Z`);

  it('a trial keeps its remaining days, bills nothing and grants no credits on resume, and converts when those days are used', async () => {
    const plan = await createPlan({ pricePaise: 99_900, cycle: 'MONTHLY', trialDays: 14, includedCredits: 100 });
    const { t, clockId, owner } = await clocked('pause-trial', at(0, '10:00'));
    expect((await op(owner, `subscribeTenant(planId: "${plan}")`)).userErrors).toEqual([]);
    await advance(clockId, at(10, '10:00'));
    expect((await op(owner, 'pauseSubscription')).subscription).toEqual({ status: 'PAUSED' });
    await advance(clockId, at(30, '10:00'));
    expect((await op(owner, 'resumeSubscription')).subscription).toEqual({ status: 'TRIALING' });
    expect(await sub(t.id)).toMatchObject({ status: 'TRIALING', trialEndsAt: d(34), currentPeriodEnd: d(34) });
    expect(await invoices(t.id)).toEqual([]);
    expect(await credits(owner)).toBe(100);
    await advance(clockId, at(34, '10:00'));
    expect(await sub(t.id)).toMatchObject({ status: 'ACTIVE', currentPeriodStart: d(34) });
    expect((await invoices(t.id)).map((i) => [i.kind, i.dueOn])).toEqual([['SUBSCRIPTION', d(34)]]);
  });

  it('an active subscription paused near its period end finishes the period it paid for and renews, with its invoice, at the moved end', async () => {
    const plan = await createPlan({ pricePaise: 50_000, cycle: 'MONTHLY', trialDays: 0, includedCredits: 10 });
    const { t, clockId, owner } = await clocked('pause-active', at(0, '10:00'));
    await op(owner, `subscribeTenant(planId: "${plan}")`);
    const [first] = await invoices(t.id);
    await gql(w.gateway.url, 'mutation($i: ID!) { recordPlatformInvoicePayment(invoiceId: $i, reference: "UPI 7") { userErrors { code } } }', { token: admin, variables: { i: first!.id } });
    const end = (await sub(t.id)).currentPeriodEnd;
    const endDay = Math.round((end.getTime() - d(0).getTime()) / 86_400_000);
    await advance(clockId, at(endDay - 2, '10:00'));
    expect((await op(owner, 'pauseSubscription')).subscription).toEqual({ status: 'PAUSED' });
    await advance(clockId, at(endDay + 10, '10:00'));
    expect(await invoices(t.id)).toHaveLength(1);
    expect((await op(owner, 'resumeSubscription')).subscription).toEqual({ status: 'ACTIVE' });
    // Paused 12 days: the period ends 12 days later; no period started, nothing billed, no credits granted.
    expect(await sub(t.id)).toMatchObject({ status: 'ACTIVE', currentPeriodStart: d(0), currentPeriodEnd: d(endDay + 12) });
    expect(await invoices(t.id)).toHaveLength(1);
    expect(await credits(owner)).toBe(10);
    await advance(clockId, at(endDay + 12, '10:00'));
    expect((await invoices(t.id)).map((i) => [i.kind, i.dueOn])).toEqual([['SUBSCRIPTION', d(0)], ['SUBSCRIPTION', d(endDay + 12)]]);
    expect(await credits(owner)).toBe(20);
  });

  it('a past-due subscription stays past due after a resume, and its dunning goes on where it stood', async () => {
    const plan = await createPlan({ pricePaise: 50_000, cycle: 'MONTHLY', trialDays: 0, includedCredits: 0 });
    const { t, clockId, owner } = await clocked('pause-due', at(0, '10:00'));
    await op(owner, `subscribeTenant(planId: "${plan}")`);
    await advance(clockId, at(2, '10:00'));
    expect(await sub(t.id)).toMatchObject({ status: 'PAST_DUE', failedRenewals: 1 });
    expect((await op(owner, 'pauseSubscription')).subscription).toEqual({ status: 'PAUSED' });
    await advance(clockId, at(12, '10:00'));
    expect(await sub(t.id)).toMatchObject({ status: 'PAUSED', failedRenewals: 1 });
    expect((await op(owner, 'resumeSubscription')).subscription).toEqual({ status: 'PAST_DUE' });
    // The invoice's due day moved by the 10 days paused: retry 2 on day 13, suspension on day 17.
    await advance(clockId, at(12, '23:00'));
    expect(await sub(t.id)).toMatchObject({ status: 'PAST_DUE', failedRenewals: 1 });
    await advance(clockId, at(13, '10:00'));
    expect(await sub(t.id)).toMatchObject({ status: 'PAST_DUE', failedRenewals: 2 });
    await advance(clockId, at(16, '10:00'));
    expect((await sub(t.id)).status).toBe('PAST_DUE');
    await advance(clockId, at(17, '10:00'));
    expect((await sub(t.id)).status).toBe('SUSPENDED');
  });
});

describe('test clocks, limits and cost', () => {
  it('do not exist in production: creating one is refused with a code, and none are listed', async () => {
    const config = w.world.platform.config;
    config.production = true;
    try {
      expect((await createClock('prod', at(0, '10:00'))).userErrors).toEqual([{ code: 'TEST_CLOCKS_DISABLED', message: 'Test clocks exist only outside production' }]);
      expect((await gql(w.gateway.url, '{ testClocks { id } }', { token: admin })).data).toEqual({ testClocks: [] });
    } finally {
      config.production = false;
    }
  });

  it('advance a tenant with a free subscription, a student on a monthly seat and a late-fee rule by 90 days (figures)', async () => {
    const { t, clockId, owner } = await clocked('ninety', at(0, '09:00'));
    const plan = await createPlan({ code: 'ninety', name: 'Ninety', pricePaise: 0, includedCredits: 10 });
    await gql(w.gateway.url, `mutation { subscribeTenant(planId: "${plan}") { userErrors { code } } }`, { token: owner });
    const lib = await setUpLibrary(w.gateway.url, owner, 4, 'Ninety branch');
    await gql(w.gateway.url, 'mutation { updateBillingSettings(input: { lateFeeKind: PER_DAY, lateFeePaise: 500, lateFeeGraceDays: 3 }) { userErrors { code } } }', { token: owner });
    const created = await gql(w.gateway.url, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }', { token: owner, variables: { i: { name: 'Ninety Nisha', phone: '9811122255', libraryId: lib.libraryId } } });
    const studentId = (created.data!.createStudent as { student: { id: string } }).student.id;
    await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { userErrors { code } } }', { token: owner, variables: { i: { studentId, seatId: lib.seatIds[0], shiftId: lib.shifts.fullDay, startDate: dayStr(0), endDate: monthsEnd(dayStr(0), 3) } } });
    const started = performance.now();
    const a = await advance(clockId, at(90, '09:00'));
    const took = Math.round(performance.now() - started);
    expect(a.userErrors).toEqual([]);
    const runs = Object.fromEntries(a.advance!.runs.map((r) => [r.work, r.runs]));
    console.log(`[figures] advancing a tenant 90 days (subscription, a student on a monthly seat, a late-fee rule): ${took} ms, ${a.advance!.steps} stops, runs ${JSON.stringify(runs)}`);
    expect(a.advance!.steps).toBeGreaterThanOrEqual(90);
    expect(a.advance!.runs.every((r) => r.failed === 0)).toBe(true);
    expect(runs['platform billing']).toBe(90);
    // A free plan renews without invoices (a paid one nobody pays would suspend the tenant in a week and
    // stop its work): the student's dues are raised month by month and checked every day.
    expect(runs.billing).toBeGreaterThanOrEqual(85);
    const dues = ((await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { dues { dueDate } } }', { token: w.tokenFor({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null }), headers: { 'x-tenant-id': t.id }, variables: { s: studentId } })).data!.student as { dues: unknown[] }).dues;
    expect(dues).toHaveLength(3);
  });
});

describe('test clocks across each subgraph', () => {
  it('campus: a visit left open is closed at 21:00 IST, the library’s closing time, when the clock passes it', async () => {
    const { t, clockId, owner } = await clocked('campus', at(0, '20:00'));
    const lib = await setUpLibrary(w.gateway.url, owner, 4, 'Clock branch');
    const hours = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '06:00', closes: '21:00' }));
    expect((await gql(w.gateway.url, 'mutation($id: ID!, $i: LibraryInput!) { updateLibrary(id: $id, input: $i) { userErrors { code } } }', { token: owner, variables: { id: lib.libraryId, i: { openingHours: hours } } })).data).toEqual({ updateLibrary: { userErrors: [] } });
    const created = await gql(w.gateway.url, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }', { token: owner, variables: { i: { name: 'Evening Eshan', phone: '9811122233', libraryId: lib.libraryId } } });
    const studentId = (created.data!.createStudent as { student: { id: string } }).student.id;
    const al = await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { userErrors { code message } } }', { token: owner, variables: { i: { studentId, seatId: lib.seatIds[0], shiftId: lib.shifts.fullDay, startDate: dayStr(0), endDate: dayStr(29) } } });
    expect(al.data).toEqual({ allocateSeat: { userErrors: [] } });
    // 20:00 on the clock: open, so the check-in is taken (by the real clock it might be closed).
    const inside = await gql(w.gateway.url, 'mutation($s: ID!, $l: ID!) { markAttendance(studentId: $s, libraryId: $l, action: CHECK_IN) { visit { id checkedInAt } userErrors { code message } } }', { token: owner, variables: { s: studentId, l: lib.libraryId } });
    const visit = (inside.data!.markAttendance as { visit: { id: string; checkedInAt: string } }).visit;
    expect(visit.checkedInAt).toBe(at(0, '20:00').toISOString());
    await advance(clockId, at(0, '20:59'));
    const open = await w.world.platform.tenants.withTenant(t.id, (db) => db.visit.findUniqueOrThrow({ where: { id: visit.id } }));
    expect(open.checkedOutAt).toBeNull();
    const a = await advance(clockId, at(0, '21:30'));
    expect(a.advance!.runs.find((r) => r.work === 'campus')).toEqual({ work: 'campus', runs: 1, failed: 0 });
    const closed = await w.world.platform.tenants.withTenant(t.id, (db) => db.visit.findUniqueOrThrow({ where: { id: visit.id } }));
    expect({ autoClosed: closed.autoClosed, checkedOutAt: closed.checkedOutAt?.toISOString() }).toEqual({ autoClosed: true, checkedOutAt: at(0, '21:00').toISOString() });
  });

  it('billing: a monthly fee falls due on its day, turns overdue the next, and the per-day late fee grows once per day crossed', async () => {
    const { t, clockId, owner } = await clocked('fees', at(0, '09:00'));
    const lib = await setUpLibrary(w.gateway.url, owner, 4, 'Fee branch');
    expect((await gql(w.gateway.url, 'mutation { updateBillingSettings(input: { lateFeeKind: PER_DAY, lateFeePaise: 1000, lateFeeGraceDays: 0, lateFeeCapPaise: 5000 }) { userErrors { code } } }', { token: owner })).data).toEqual({ updateBillingSettings: { userErrors: [] } });
    const created = await gql(w.gateway.url, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }', { token: owner, variables: { i: { name: 'Fee Farida', phone: '9811122244', libraryId: lib.libraryId } } });
    const studentId = (created.data!.createStudent as { student: { id: string } }).student.id;
    await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { userErrors { code } } }', { token: owner, variables: { i: { studentId, seatId: lib.seatIds[0], shiftId: lib.shifts.fullDay, startDate: dayStr(0), endDate: addDays(addDays(day0, 0), 60).toISOString().slice(0, 10) } } });
    const dues = async () => ((await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { dues { periodStart dueDate status daysOverdue adjustmentPaise balancePaise } } }', { token: owner, variables: { s: studentId } })).data!.student as { dues: { periodStart: string; dueDate: string; status: string; daysOverdue: number; adjustmentPaise: number; balancePaise: number }[] }).dues;
    expect((await dues())[0]).toMatchObject({ dueDate: dayStr(0), daysOverdue: 0, adjustmentPaise: 0, balancePaise: 150_000 });
    await advance(clockId, at(3, '12:00'));
    expect((await dues())[0]).toMatchObject({ dueDate: dayStr(0), daysOverdue: 3, adjustmentPaise: 3_000, balancePaise: 153_000 });
    // A month on: the second month's fee is due on its day; the first's late fee stopped at its cap.
    await advance(clockId, at(40, '12:00'));
    const later = await dues();
    expect(later.find((d) => d.dueDate === dayStr(0))).toMatchObject({ adjustmentPaise: 5_000 });
    expect(later.some((d) => d.periodStart > dayStr(25) && d.status === 'OPEN')).toBe(true);
    expect(t.id).toBeTruthy();
  });

  it('engagement: a follow-up reaches its assignee when the clock passes its due time, and as missed an hour later', async () => {
    const { t, clockId, owner } = await clocked('followup', at(0, '10:00'));
    const staff = await w.world.platform.core.user.create({ data: { name: 'Clock Desk', email: `desk-${t.id}@clock.test`, role: 'STAFF', tenantId: t.id } });
    const lead = await gql(w.gateway.url, 'mutation($i: LeadInput!) { createLead(input: $i) { lead { id assignee { id } } userErrors { code } } }', { token: owner, variables: { i: { libraryId: t.libraryId, name: 'Clock Lead', phone: '9812355555' } } });
    const l = (lead.data!.createLead as { lead: { id: string; assignee: { id: string } } }).lead;
    expect(l.assignee.id).toBe(staff.id);
    const f = await gql(w.gateway.url, 'mutation($id: ID!, $at: DateTime!) { scheduleFollowUp(leadId: $id, dueAt: $at, note: "Call back after lunch") { userErrors { code } } }', { token: owner, variables: { id: l.id, at: at(0, '14:00').toISOString() } });
    expect(f.data).toEqual({ scheduleFollowUp: { userErrors: [] } });
    const titles = () => w.world.platform.tenants.withTenant(t.id, async (db) => (await db.inAppNotification.findMany({ where: { userId: staff.id }, orderBy: { createdAt: 'asc' } })).map((n) => [n.title, n.urgent, n.createdAt.toISOString()]));
    await advance(clockId, at(0, '13:59'));
    expect(await titles()).toEqual([]);
    await advance(clockId, at(0, '14:30'));
    expect(await titles()).toEqual([['Follow-up due: Clock Lead', false, at(0, '14:00').toISOString()]]);
    await advance(clockId, at(0, '16:00'));
    expect(await titles()).toEqual([
      ['Follow-up due: Clock Lead', false, at(0, '14:00').toISOString()],
      ['Missed follow-up: Clock Lead', true, at(0, '15:00').toISOString()],
    ]);
  });

  it('communications: a campaign scheduled two days ahead runs when the clock passes its time, not before', async () => {
    const { t, clockId, owner } = await clocked('campaign', at(0, '11:00'));
    await gql(w.gateway.url, 'mutation($t: ID!, $k: String!) { grantCredits(input: { tenantId: $t, credits: 50, idempotencyKey: $k }) { userErrors { code } } }', { token: admin, variables: { t: t.id, k: `campaign-${t.id}` } });
    const sender = await gql(w.gateway.url, 'mutation { createSmsSender(header: "CLOCKC") { sender { id } } }', { token: owner });
    const senderId = (sender.data!.createSmsSender as { sender: { id: string } }).sender.id;
    const tpl = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: owner, variables: { i: { name: 'notice', senderId, dltTemplateId: `c-${t.id}`, msg91TemplateId: 'm91-clock-notice', category: 'SERVICE_IMPLICIT', body: 'Dear {#var#}, the library is closed on {#var#}.' } } });
    expect(tpl.errors, tpl.raw).toBeUndefined();
    const templateId = (tpl.data!.createSmsTemplate as { template: { id: string } }).template.id;
    await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { id } } }', { token: owner, variables: { id: templateId } });
    const created = await gql(w.gateway.url, 'mutation($i: CampaignInput!) { createCampaign(input: $i) { campaign { id status scheduledAt } userErrors { code message } } }', { token: owner, variables: { i: { name: 'Holiday', templateId, vars: ['{name}', 'Friday'], audience: {}, scheduledAt: at(2, '11:00').toISOString() } } });
    const campaign = (created.data!.createCampaign as { campaign: { id: string; status: string; scheduledAt: string } }).campaign;
    expect(campaign).toMatchObject({ status: 'SCHEDULED', scheduledAt: at(2, '11:00').toISOString() });
    const status = async () => ((await gql(w.gateway.url, 'query($id: ID!) { campaign(id: $id) { status progress { sent recipients } } }', { token: owner, variables: { id: campaign.id } })).data!.campaign as { status: string; progress: { sent: number; recipients: number } });
    const before = sim.state.sent.length;
    await advance(clockId, at(2, '10:59'));
    expect((await status()).status).toBe('SCHEDULED');
    expect(sim.state.sent).toHaveLength(before);
    await advance(clockId, at(2, '11:30'));
    expect(await status()).toEqual({ status: 'COMPLETED', progress: { sent: 1, recipients: 1 } });
    expect(sim.state.sent.slice(before)).toMatchObject([{ templateId: 'm91-clock-notice', recipients: [{ var1: 'Asha', var2: 'Friday' }] }]);
  });

  it('communications: a promotion sent at 22:20 IST waits for 10:00, and goes when the clock passes it', async () => {
    const { t, clockId, owner } = await clocked('sms', at(0, '22:20'));
    const grant = await gql(w.gateway.url, 'mutation($t: ID!, $k: String!) { grantCredits(input: { tenantId: $t, credits: 50, idempotencyKey: $k }) { userErrors { code message } } }', { token: admin, variables: { t: t.id, k: `clock-${t.id}` } });
    expect(grant.data, grant.raw).toEqual({ grantCredits: { userErrors: [] } });
    const sender = await gql(w.gateway.url, 'mutation { createSmsSender(header: "CLOCKS") { sender { id } } }', { token: owner });
    const senderId = (sender.data!.createSmsSender as { sender: { id: string } }).sender.id;
    const tpl = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: owner, variables: { i: { name: 'offer', senderId, dltTemplateId: `dlt-${t.id}`, msg91TemplateId: 'm91-clock-offer', category: 'PROMOTIONAL', body: 'Hi {#var#}, new seats at {#var#}. Reply STOP to opt out.' } } });
    const templateId = (tpl.data!.createSmsTemplate as { template: { id: string } }).template.id;
    await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { id } } }', { token: owner, variables: { id: templateId } });
    await gql(w.gateway.url, 'mutation { setSmsConsent(phone: "9876511111", promotional: true) { userErrors { code } } }', { token: owner });
    const sent = await gql(w.gateway.url, 'mutation($i: SendSmsInput!) { sendSms(input: $i) { message { id status sendAfter } userErrors { code } } }', { token: owner, variables: { i: { templateId, vars: ['Sneha', 'Kothrud'], phone: '9876511111', idempotencyKey: randomUUID() } } });
    expect((sent.data!.sendSms as { userErrors: unknown[] }).userErrors).toEqual([]);
    const message = (sent.data!.sendSms as { message: { id: string; status: string; sendAfter: string } }).message;
    expect(message).toMatchObject({ status: 'QUEUED', sendAfter: at(1, '10:00').toISOString() });
    const before = sim.state.sent.length;
    await advance(clockId, at(1, '09:59'));
    expect(sim.state.sent).toHaveLength(before);
    const a = await advance(clockId, at(1, '10:05'));
    expect(a.advance!.runs.find((r) => r.work === 'messages')).toEqual({ work: 'messages', runs: 1, failed: 0 });
    expect(sim.state.sent.slice(before)).toMatchObject([{ templateId: 'm91-clock-offer', recipients: [{ mobiles: '919876511111', var1: 'Sneha' }] }]);
    const row = await w.world.platform.tenants.withTenant(t.id, (db) => db.smsMessage.findUniqueOrThrow({ where: { id: message.id } }));
    expect({ status: row.status, sentAt: row.sentAt?.toISOString() }).toEqual({ status: 'SENT', sentAt: at(1, '10:00').toISOString() });
  });
});
