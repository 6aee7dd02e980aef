// Platform billing through the gateway: plans, a tenant's subscription and its limits, credits.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prorate } from '../subgraphs/billing/src/platform/periods.ts';
import { csvOf, setUpLibrary, today } from './support/campus.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let admin: string;
let ownerA: string;
let ownerB: string;
const PLAN = 'plan { id code name version pricePaise cycle trialDays limits { libraries seats students staff } includedCredits features archived }';
const SUB = 'subscription { status currentPeriodStart currentPeriodEnd trialEndsAt cancelAtPeriodEnd creditPaise plan { code version } pendingPlan { code } }';

async function createPlan(input: Record<string, unknown>) {
  const r = await gql(w.gateway.url, `mutation($i: PlanInput!) { createPlan(input: $i) { ${PLAN} userErrors { code message field } } }`, { token: admin, variables: { i: input } });
  if (r.errors) throw new Error(r.raw);
  return r.data!.createPlan as { plan: { id: string; version: number; pricePaise: number } | null; userErrors: { code: string; message: string }[] };
}
const sub = async (op: string, vars: Record<string, unknown>, token = ownerA) => {
  const type = (k: string) => (k === 'planId' ? 'ID!' : k === 'atPeriodEnd' ? 'Boolean' : 'ID');
  const keys = Object.keys(vars);
  const decl = keys.length ? `(${keys.map((k) => `$${k}: ${type(k)}`).join(', ')})` : '';
  const args = keys.length ? `(${keys.map((k) => `${k}: $${k}`).join(', ')})` : '';
  const r = await gql(w.gateway.url, `mutation${decl} { ${op}${args} { ${SUB} change { effective creditPaise chargePaise netPaise remainingDays periodDays } userErrors { code message } } }`, { token, variables: vars });
  if (r.errors) throw new Error(r.raw);
  return r.data![op] as { subscription: Record<string, unknown> | null; change: Record<string, unknown> | null; userErrors: { code: string; message: string }[] };
};

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
  ownerA = w.ownerToken(w.a);
  ownerB = w.ownerToken(w.b);
  const stock = await gql(w.gateway.url, 'mutation($i: WholesaleInput!) { purchaseWholesaleCredits(input: $i) { transactionId userErrors { code } } }', { token: admin, variables: { i: { vendor: 'MSG91', credits: 100_000, costPaise: 1_500_000, idempotencyKey: 'stock-1' } } });
  expect(stock.data).toMatchObject({ purchaseWholesaleCredits: { userErrors: [] } });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('plans', () => {
  it('are created, revised into new versions and archived by platform admins; owners only read them', async () => {
    const p = await createPlan({ code: 'solo', name: 'Solo', pricePaise: 49_900, cycle: 'MONTHLY', trialDays: 0, limits: { libraries: 1, seats: 30 } });
    expect(p.plan).toMatchObject({ version: 1, pricePaise: 49_900 });
    const dup = await createPlan({ code: 'solo', name: 'Solo again', pricePaise: 1, cycle: 'MONTHLY', trialDays: 0 });
    expect(dup.userErrors.map((e) => e.code)).toEqual(['DUPLICATE']);
    const rev = await gql(w.gateway.url, `mutation($id: ID!) { revisePlan(id: $id, input: { pricePaise: 59900 }) { ${PLAN} userErrors { code } } }`, { token: admin, variables: { id: p.plan!.id } });
    expect(rev.data).toMatchObject({ revisePlan: { plan: { version: 2, pricePaise: 59_900, limits: { libraries: 1, seats: 30, students: null } }, userErrors: [] } });
    const byOwner = await gql(w.gateway.url, 'mutation { createPlan(input: { code: "x", name: "X", pricePaise: 1, cycle: MONTHLY, trialDays: 0 }) { userErrors { code } } }', { token: ownerA });
    expect(byOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const arch = await gql(w.gateway.url, `mutation($id: ID!) { archivePlan(id: $id) { plan { archived } userErrors { code } } }`, { token: admin, variables: { id: p.plan!.id } });
    expect(arch.data).toEqual({ archivePlan: { plan: { archived: true }, userErrors: [] } });
    const list = await gql(w.gateway.url, '{ plans { code } }', { token: ownerA });
    expect((list.data!.plans as { code: string }[]).map((x) => x.code)).not.toContain('solo');
  });
});

describe('a tenant on a plan', () => {
  let basic: string;
  let pro: string;

  it('starts a trial with the plan’s credits, and the plan’s limits hold where things are created', async () => {
    basic = (await createPlan({ code: 'basic', name: 'Basic', pricePaise: 99_900, cycle: 'MONTHLY', trialDays: 14, limits: { libraries: 2, seats: 30, students: 8, staff: 1 }, includedCredits: 500 })).plan!.id;
    pro = (await createPlan({ code: 'pro', name: 'Pro', pricePaise: 199_900, cycle: 'MONTHLY', trialDays: 0, limits: { libraries: 5, seats: 300, students: 500, staff: 10 }, includedCredits: 2_000 })).plan!.id;
    const s = await sub('subscribeTenant', { planId: basic });
    expect(s.userErrors).toEqual([]);
    expect(s.subscription).toMatchObject({ status: 'TRIALING', plan: { code: 'basic', version: 1 }, currentPeriodStart: today() });
    const wallet = await gql(w.gateway.url, '{ currentTenant { wallet { balance statement { edges { node { kind credits balanceAfter } } } } } }', { token: ownerA });
    expect(wallet.data).toEqual({ currentTenant: { wallet: { balance: 500, statement: { edges: [{ node: { kind: 'PLAN_CREDITS', credits: 500, balanceAfter: 500 } }] } } } });

    // Seats: 30 allowed. 24 + 6 fit; one more is refused, naming the limit.
    const lib = await setUpLibrary(w.gateway.url, ownerA, 24, 'Plan branch');
    const grid = (rows: number, columns: number, prefix: string) => gql(w.gateway.url, 'mutation($l: ID!, $g: SeatGridInput!) { createSeats(libraryId: $l, grid: $g) { seats { id } userErrors { code message field } } }', { token: ownerA, variables: { l: lib.libraryId, g: { zone: 'Annexe', rows, columns, prefix } } });
    const seatsNow = await gql(w.gateway.url, '{ currentTenant { usage { seats } } }', { token: ownerA });
    const used = (seatsNow.data!.currentTenant as { usage: { seats: number } }).usage.seats;
    const fits = await grid(1, 30 - used, 'X');
    expect((fits.data!.createSeats as { userErrors: unknown[] }).userErrors).toEqual([]);
    const over = await grid(1, 1, 'Y');
    expect(over.data!.createSeats).toEqual({ seats: [], userErrors: [{ code: 'PLAN_LIMIT_REACHED', message: 'The Basic plan allows 30 seats; this tenant has 30. Upgrade the plan to add more.', field: ['grid'] }] });

    // Students: 8 allowed; the tenant has 3. An import of 10 new ones is refused whole.
    const imp = await gql(w.gateway.url, 'mutation($c: String!) { importStudents(csv: $c) { created userErrors { code message } } }', { token: ownerA, variables: { c: csvOf(10, 500) } });
    expect(imp.data!.importStudents).toMatchObject({ created: 0, userErrors: [{ code: 'PLAN_LIMIT_REACHED' }] });
    expect((imp.data!.importStudents as { userErrors: { message: string }[] }).userErrors[0]!.message).toMatch(/allows 8 students; this tenant has 3/);

    // Staff: one allowed.
    const staff = (n: number) => gql(w.gateway.url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { code message } } }', { token: ownerA, variables: { i: { name: `Desk ${n}`, role: 'STAFF', email: `desk${n}-${randomUUID().slice(0, 6)}@alpha.test` } } });
    expect((await staff(1)).data!.createUser).toMatchObject({ userErrors: [] });
    expect((await staff(2)).data!.createUser).toMatchObject({ user: null, userErrors: [{ code: 'PLAN_LIMIT_REACHED' }] });

    const usage = await gql(w.gateway.url, '{ currentTenant { usage { libraries seats students staff limits { seats students } } } }', { token: ownerA });
    expect(usage.data).toEqual({ currentTenant: { usage: { libraries: 2, seats: 30, students: 3, staff: 1, limits: { seats: 30, students: 8 } } } });
  });

  it('upgrades at once with exact proration, and refuses a downgrade while usage exceeds the smaller plan', async () => {
    // Off the trial: the tenant pays monthly from today.
    expect((await sub('cancelSubscription', { atPeriodEnd: false })).subscription).toMatchObject({ status: 'CANCELLED' });
    const paid = (await createPlan({ code: 'basic-paid', name: 'Basic paid', pricePaise: 99_900, cycle: 'MONTHLY', trialDays: 0, limits: { libraries: 2, seats: 30, students: 8, staff: 1 } })).plan!.id;
    const s = await sub('subscribeTenant', { planId: paid });
    expect(s.subscription).toMatchObject({ status: 'ACTIVE', plan: { code: 'basic-paid' } });
    const up = await sub('changePlan', { planId: pro });
    const start = s.subscription!.currentPeriodStart as string;
    const end = s.subscription!.currentPeriodEnd as string;
    const expected = prorate({ oldPricePaise: 99_900, oldCycle: 'MONTHLY', newPricePaise: 199_900, newCycle: 'MONTHLY', periodStart: start, periodEnd: end, today: today() });
    // Subscribed today: the whole period remains, so the whole price difference is due.
    expect(expected.remainingDays).toBe(expected.periodDays);
    expect(up.change).toEqual({ effective: 'NOW', creditPaise: 99_900, chargePaise: 199_900, netPaise: 100_000, remainingDays: expected.periodDays, periodDays: expected.periodDays });
    expect(up.subscription).toMatchObject({ status: 'ACTIVE', plan: { code: 'pro' }, currentPeriodStart: start, currentPeriodEnd: end });

    // 30 seats in use; a plan of 10 seats is refused, naming what exceeds it.
    const tiny = (await createPlan({ code: 'tiny', name: 'Tiny', pricePaise: 9_900, cycle: 'MONTHLY', trialDays: 0, limits: { libraries: 1, seats: 10 } })).plan!.id;
    const down = await sub('changePlan', { planId: tiny });
    expect(down.userErrors[0]).toMatchObject({ code: 'PLAN_LIMIT_REACHED' });
    expect(down.userErrors[0]!.message).toMatch(/2 libraries where Tiny allows 1; 30 seats where Tiny allows 10/);
    // Basic fits: it waits for the period end.
    const later = await sub('changePlan', { planId: paid });
    expect(later).toMatchObject({ change: { effective: 'PERIOD_END' }, subscription: { plan: { code: 'pro' }, pendingPlan: { code: 'basic-paid' } }, userErrors: [] });
  });

  it('pauses, resumes and cancels at the period end; another tenant’s owner reaches none of it', async () => {
    expect((await sub('pauseSubscription', {})).subscription).toMatchObject({ status: 'PAUSED' });
    expect((await sub('pauseSubscription', {})).userErrors[0]).toMatchObject({ code: 'INVALID_STATE' });
    expect((await sub('resumeSubscription', {})).subscription).toMatchObject({ status: 'ACTIVE', currentPeriodStart: today() });
    expect((await sub('cancelSubscription', {})).subscription).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: true });
    // Tenant B's owner naming tenant A: NOT_FOUND, like a tenant that does not exist; reading A finds nothing.
    expect((await sub('changePlan', { planId: pro, tenantId: w.a.id }, ownerB)).userErrors).toEqual([{ code: 'NOT_FOUND', message: 'No such tenant' }]);
    expect((await sub('cancelSubscription', { tenantId: w.a.id, atPeriodEnd: false }, ownerB)).userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
    const mine = await gql(w.gateway.url, '{ currentTenant { id subscription { status } } }', { token: ownerB });
    expect(mine.data).toEqual({ currentTenant: { id: w.b.id, subscription: null } });
  });
});

describe('credits', () => {
  it('grants from stock, keeps a statement, warns at the low-balance threshold, and reports the margin', async () => {
    const ac = new AbortController();
    const events: { type: string }[] = [];
    void (async () => {
      for await (const e of w.world.platform.events.subscribe(`tenant:${w.b.id}`, ac.signal)) events.push(e as { type: string });
    })();
    const set = await gql(w.gateway.url, 'mutation { setWalletLowBalanceThreshold(credits: 95) { wallet { lowBalanceThreshold } userErrors { code } } }', { token: ownerB });
    expect(set.data).toEqual({ setWalletLowBalanceThreshold: { wallet: { lowBalanceThreshold: 95 }, userErrors: [] } });
    const key = randomUUID();
    const grant = () => gql(w.gateway.url, 'mutation($i: GrantInput!) { grantCredits(input: $i) { transactionId wallet { balance } userErrors { code } } }', { token: admin, variables: { i: { tenantId: w.b.id, credits: 100, memo: 'welcome', idempotencyKey: key } } });
    const [g1, g2] = [await grant(), await grant()];
    expect(g1.data).toMatchObject({ grantCredits: { wallet: { balance: 100 }, userErrors: [] } });
    expect((g2.data!.grantCredits as { transactionId: string }).transactionId).toBe((g1.data!.grantCredits as { transactionId: string }).transactionId);
    const { creditsPort } = await import('../subgraphs/billing/src/credits/port.ts');
    const port = creditsPort(w.world.platform);
    const r = await port.reserve({ tenantId: w.b.id, credits: 6, idempotencyKey: randomUUID(), purpose: 'SMS to 2 students' });
    expect(r).toMatchObject({ status: 'HELD', credits: 6 });
    for (let i = 0; i < 50 && !events.some((e) => e.type === 'WALLET_LOW_BALANCE'); i++) await new Promise((res) => setTimeout(res, 20));
    expect(events.find((e) => e.type === 'WALLET_LOW_BALANCE')).toMatchObject({ tenantId: w.b.id, balance: 94, threshold: 95 });
    await port.commit((r as { id: string }).id);
    const st = await gql(w.gateway.url, '{ currentTenant { wallet { balance held statement(first: 2) { edges { node { kind credits balanceAfter } } pageInfo { hasNextPage } } } } }', { token: ownerB });
    expect(st.data).toEqual({ currentTenant: { wallet: { balance: 94, held: 0, statement: { edges: [{ node: { kind: 'RESERVATION', credits: -6, balanceAfter: 94 } }, { node: { kind: 'GRANT', credits: 100, balanceAfter: 100 } }], pageInfo: { hasNextPage: false } } } } });
    // A wallet is its tenant's: another owner's query of tenant A's wallet is refused.
    const other = await gql(w.gateway.url, 'query($t: ID!) { tenant(id: $t) { wallet { balance } } }', { token: ownerB, variables: { t: w.a.id } });
    expect(other.data?.tenant ?? null).toBeNull();
    const m = await gql(w.gateway.url, 'query($d: Date!) { platformCredits { stock consumed vendors { vendor bought } margin(from: $d, to: $d) { creditsSold retailPaise wholesaleCostPaise marginPaise creditsGiven creditsUsed } } }', { token: admin, variables: { d: today() } });
    // Given: Basic's 500 with the trial and this grant of 100. The pause and resume above grant nothing
    // (plan credits come once per billed period; a resume used to grant Pro's 2,000 again).
    expect(m.data).toMatchObject({ platformCredits: { vendors: [{ vendor: 'MSG91', bought: 100_000 }], margin: { creditsSold: 0, creditsUsed: 6, creditsGiven: 600 } } });
    ac.abort();
  });
});

describe('invoices, renewals and dunning (time moved by the job’s day, not by sleeping)', () => {
  it('bills a paid start with IGST across states, retries on days 1, 3 and 7, suspends, restores when paid, and renews once when two jobs run at once', async () => {
    const { renewSubscriptions } = await import('../subgraphs/billing/src/platform/renewals.ts');
    const { addDays } = await import('../subgraphs/billing/src/platform/periods.ts');
    const { extractText } = await import('unpdf');
    await w.world.platform.core.tenant.update({ where: { id: w.b.id }, data: { state: 'KA', gstin: '29ABCDE1234F1ZW' } });
    const plan = (await createPlan({ code: 'monthly-r', name: 'Monthly', pricePaise: 100_000, cycle: 'MONTHLY', trialDays: 0, limits: {}, includedCredits: 10 })).plan!.id;
    const s = await sub('subscribeTenant', { planId: plan }, ownerB);
    expect(s.subscription).toMatchObject({ status: 'ACTIVE', currentPeriodStart: today() });
    const INV = '{ currentTenant { invoices { id number status kind taxablePaise cgstPaise sgstPaise igstPaise totalPaise placeOfSupply dueOn pdfUrl } } }';
    type Inv = { id: string; number: string; status: string; totalPaise: number; igstPaise: number; pdfUrl: string };
    const invoices = async () => ((await gql(w.gateway.url, INV, { token: ownerB })).data!.currentTenant as { invoices: Inv[] }).invoices;
    const [first] = await invoices();
    expect(first).toMatchObject({ status: 'OPEN', kind: 'SUBSCRIPTION', taxablePaise: 100_000, cgstPaise: 0, sgstPaise: 0, igstPaise: 18_000, totalPaise: 118_000, placeOfSupply: 'KA', dueOn: today() });
    expect(first!.number).toMatch(/^SS\/\d{2}-\d{2}\/\d{6}$/);
    expect(first!.number.length).toBeLessThanOrEqual(16);
    const pdf = await (await fetch(first!.pdfUrl)).arrayBuffer();
    const text = (await extractText(new Uint8Array(pdf), { mergePages: true })).text;
    expect(text).toContain(`Invoice no. ${first!.number}`);
    expect(text).toMatch(/IGST 18%: ₹180\.00/);
    expect(text).toMatch(/^Tax invoice/);
    expect(text).toContain('Place of supply: Karnataka (29)');
    expect(text).toMatch(/Total: ₹1,180\.00/);

    const platform = w.world.platform;
    // Tenant A pays what it owes (its start and its upgrade), so only B is dunned below.
    for (const inv of await platform.core.platformInvoice.findMany({ where: { tenantId: w.a.id, status: 'OPEN' } })) {
      const paid = await gql(w.gateway.url, 'mutation($i: ID!) { recordPlatformInvoicePayment(invoiceId: $i, reference: "UPI 42") { userErrors { code } } }', { token: admin, variables: { i: inv.id } });
      expect(paid.data).toEqual({ recordPlatformInvoicePayment: { userErrors: [] } });
    }
    const status = async () => (await platform.core.tenantSubscription.findUniqueOrThrow({ where: { tenantId: w.b.id } })).status;
    // Unpaid: day 1 and day 3 retries (PAST_DUE), a repeat on the same day changes nothing.
    expect((await renewSubscriptions(platform, addDays(today(), 1))).retried).toBe(1);
    expect((await renewSubscriptions(platform, addDays(today(), 1))).retried).toBe(0);
    expect(await status()).toBe('PAST_DUE');
    expect((await renewSubscriptions(platform, addDays(today(), 3))).retried).toBe(1);
    // Day 7: suspended, and so is the tenant (its users are refused).
    expect((await renewSubscriptions(platform, addDays(today(), 7))).suspended).toBe(1);
    expect(await status()).toBe('SUSPENDED');
    await new Promise((r) => setTimeout(r, 1_100)); // tenant lookups are trusted for a second
    const refused = await gql(w.gateway.url, '{ currentTenant { id } }', { token: ownerB });
    expect(refused.errors?.[0]?.extensions?.code).toBe('TENANT_SUSPENDED');
    // Paid: restored.
    const pay = await gql(w.gateway.url, 'mutation($i: ID!) { recordPlatformInvoicePayment(invoiceId: $i, reference: "NEFT 1234") { invoice { status } userErrors { code } } }', { token: admin, variables: { i: first!.id } });
    expect(pay.data).toEqual({ recordPlatformInvoicePayment: { invoice: { status: 'PAID' }, userErrors: [] } });
    expect(await status()).toBe('ACTIVE');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await gql(w.gateway.url, '{ currentTenant { id } }', { token: ownerB })).data).toEqual({ currentTenant: { id: w.b.id } });

    // The period ends: two renewal jobs at once bill once, with the next number of the series; tenant
    // A, cancelling at the period end, is cancelled.
    const end = s.subscription!.currentPeriodEnd as string;
    const [r1, r2] = await Promise.all([renewSubscriptions(platform, end), renewSubscriptions(platform, end)]);
    expect({ renewed: r1.renewed + r2.renewed, cancelled: r1.cancelled + r2.cancelled }).toEqual({ renewed: 1, cancelled: 1 });
    const after = await invoices();
    expect(after).toHaveLength(2);
    const seq = (n: string) => Number(n.split('/')[2]);
    expect(seq(after[0]!.number)).toBeGreaterThan(seq(first!.number));
    const numbers = (await platform.core.platformInvoice.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } })).map((x) => x.seq);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect((await platform.core.tenantSubscription.findUniqueOrThrow({ where: { tenantId: w.b.id } })).currentPeriodStart.toISOString().slice(0, 10)).toBe(end);
  });

  it('reports MRR, ARR, ARPU and states for platform admins, and to nobody else', async () => {
    const q = '{ saasAnalytics { month mrrPaise arrPaise payingTenants arpuPaise byStatus { status count } logoChurn revenueChurn trialConversion credits { creditsUsed } } }';
    const r = await gql(w.gateway.url, q, { token: admin });
    // Tenant B on Monthly (₹1,000 a month); tenant A's subscription was cancelled at its period end.
    expect(r.data!.saasAnalytics).toMatchObject({ month: today().slice(0, 7), mrrPaise: 100_000, arrPaise: 1_200_000, payingTenants: 1, arpuPaise: 100_000 });
    const byStatus = (r.data!.saasAnalytics as { byStatus: { status: string; count: number }[] }).byStatus;
    expect(byStatus.filter((b) => b.count > 0)).toEqual([{ status: 'ACTIVE', count: 1 }, { status: 'CANCELLED', count: 1 }]);
    expect((await gql(w.gateway.url, q, { token: ownerA })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
