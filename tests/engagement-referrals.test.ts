// Referrals through the gateway (issue 20, second part): a student's code on a website enquiry, the
// lead called, followed up, visiting and converted with a seat, the new student's first due paid online at the Razorpay/Cashfree
// simulator, and the referrer's reward as a discount on their next due (due work, by the sweep);
// the monthly cap, the clawback after a refund inside the window (and none after it), self-referral
// and a student referred twice refused, the student's own view, branch limits, and the races:
// 10 concurrent recordings of one referral → one; two sweeps at once → one discount.
import { engagementSweepOnce } from '@studyspot/engagement';
import { clock } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingWorld, createOrder, duesOf, enrol, orderStatus, payAtCheckout, settled, type BillingWorld } from './support/billing.ts';
import { gql, type GqlResult } from './support/supergraph.ts';

let w: BillingWorld;
let referrer: Awaited<ReturnType<typeof enrol>>;
let code = '';

const RULE = 'mutation($i: ReferralSettingsInput!) { updateReferralSettings(input: $i) { settings { rewardKind rewardPaise rewardBasisPoints monthlyCapPaise clawbackDays } userErrors { code field } } }';
const RECORD_REFERRAL = 'mutation($s: ID!, $c: String!) { recordReferral(input: { studentId: $s, referralCode: $c }) { referral { id status referrer { id } referred { id } } userErrors { code field message } } }';
const REFERRAL = 'id status firstPaymentPaise rewardPaise appliedPaise note referrer { id } referred { id } lead { id } rewards { due { id } amountPaise reversedAt }';
const CASH = 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } userErrors { code message } } }';
const REFUND = 'mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { status } userErrors { code message } } }';
const MINE = `{ myReferrals { code earnedPaise appliedPaise rewarded rule { rewardKind rewardPaise monthlyCapPaise clawbackDays } referrals { edges { node { ${REFERRAL} } } } } }`;

const data = <T>(r: GqlResult, field: string): T => {
  expect(r.errors).toBeUndefined();
  return r.data![field] as T;
};
const codes = (r: GqlResult, field: string) => data<{ userErrors: { code: string; field: string[] | null }[] }>(r, field).userErrors.map((e) => [e.code, e.field?.join('.')]);
const rule = (i: Record<string, unknown>) => gql(w.url(), RULE, { token: w.owner, variables: { i: { rewardKind: 'FIXED', rewardPaise: 20_000, monthlyCapPaise: 30_000, clawbackDays: 7, ...i } } });
const referralOf = async (studentId: string) => {
  const r = await gql(w.url(), `{ referrals(first: 100) { edges { node { ${REFERRAL} } } } }`, { token: w.owner });
  return data<{ edges: { node: Record<string, unknown> & { referred: { id: string } } }[] }>(r, 'referrals').edges.map((e) => e.node).find((n) => n.referred.id === studentId);
};
const sweep = () => engagementSweepOnce(w.world.platform);
const payCash = async (studentId: string, amountPaise: number) => {
  const r = await gql(w.url(), CASH, { token: w.owner, variables: { i: { studentId, amountPaise, method: 'CASH' } } });
  return data<{ payment: { id: string } }>(r, 'recordPayment').payment.id;
};
const openDue = async (studentId: string) => (await duesOf(w, studentId, 'OPEN'))[0]!;
const adjustments = (studentId: string) =>
  w.world.platform.tenants.withTenant(w.a.id, (db) => db.dueAdjustment.findMany({ where: { due: { studentId } }, orderBy: { createdAt: 'asc' }, select: { kind: true, amountPaise: true, reason: true, idempotencyKey: true } }));
const leadCount = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.lead.count());

beforeAll(async () => {
  w = await createBillingWorld();
  referrer = await enrol(w, { name: 'Riya Referrer', pricePaise: 150_000 });
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe('referrals', () => {
  let leadId = '';
  let newcomer = '';
  let secondId = '';

  it('an owner sets the reward rule; bad values are refused with their field', async () => {
    expect(data(await rule({}), 'updateReferralSettings')).toEqual({ settings: { rewardKind: 'FIXED', rewardPaise: 20_000, rewardBasisPoints: 0, monthlyCapPaise: 30_000, clawbackDays: 7 }, userErrors: [] });
    expect(codes(await rule({ rewardPaise: -1 }), 'updateReferralSettings')).toEqual([['INVALID_INPUT', 'input.rewardPaise']]);
    expect(codes(await rule({ rewardKind: 'PERCENT', rewardBasisPoints: 0 }), 'updateReferralSettings')).toEqual([['INVALID_INPUT', 'input.rewardBasisPoints']]);
    expect(codes(await rule({ clawbackDays: 91 }), 'updateReferralSettings')).toEqual([['INVALID_INPUT', 'input.clawbackDays']]);
    const settings = await gql(w.url(), '{ referralSettings { rewardPaise monthlyCapPaise clawbackDays } }', { token: w.owner });
    expect(data(settings, 'referralSettings')).toEqual({ rewardPaise: 20_000, monthlyCapPaise: 30_000, clawbackDays: 7 });
  });

  it('every student has a code: on the student, and in their own view with the rule', async () => {
    const s = await gql(w.url(), 'query($s: ID!) { student(id: $s) { name referralCode } }', { token: w.owner, variables: { s: referrer.studentId } });
    code = data<{ referralCode: string }>(s, 'student').referralCode;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const mine = data<Record<string, unknown>>(await gql(w.url(), MINE, { token: referrer.studentToken }), 'myReferrals');
    expect(mine).toEqual({ code, earnedPaise: 0, appliedPaise: 0, rewarded: 0, rule: { rewardKind: 'FIXED', rewardPaise: 20_000, monthlyCapPaise: 30_000, clawbackDays: 7 }, referrals: { edges: [] } });
  });

  it('a website enquiry carries the code (typed loosely); unknown, malformed and own codes are refused and write nothing', async () => {
    const before = await leadCount();
    const enquire = (phone: string, referralCode: string) =>
      gql(w.url(), 'mutation($i: EnquiryInput!) { submitEnquiry(input: $i) { received userErrors { code field } } }', {
        variables: { i: { tenantSlug: 'alpha', libraryId: w.lib.libraryId, name: 'Neel Newcomer', phone, consent: true, referralCode } },
        headers: { 'x-forwarded-for': '10.9.0.1' },
      });
    expect(codes(await enquire('9812377001', 'ZZZZZ-ZZZZZ'), 'submitEnquiry')).toEqual([['INVALID_INPUT', 'input.referralCode']]);
    expect(codes(await enquire('9812377001', '00000-00001'), 'submitEnquiry')).toEqual([['REFERRAL_CODE_UNKNOWN', 'input.referralCode']]);
    const desk = await gql(w.url(), 'mutation($i: LeadInput!) { createLead(input: $i) { lead { id } userErrors { code field } } }', {
      token: w.owner,
      variables: { i: { libraryId: w.lib.libraryId, name: 'Riya Referrer', phone: referrer.phone, referralCode: code } },
    });
    expect(codes(desk, 'createLead')).toEqual([['SELF_REFERRAL', 'input.referralCode']]);
    expect(await leadCount()).toBe(before);

    expect(data(await enquire('9812377001', code.toLowerCase().replace('-', '')), 'submitEnquiry')).toEqual({ received: true, userErrors: [] });
    const lead = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.lead.findFirstOrThrow({ where: { phone: '919812377001' } }));
    leadId = lead.id;
    const view = await gql(w.url(), 'query($id: ID!) { lead(id: $id) { referrer { id referralCode } } }', { token: w.owner, variables: { id: leadId } });
    expect(data(view, 'lead')).toEqual({ referrer: { id: referrer.studentId, referralCode: code } });
  });

  it('the lead is called, followed up and visits; converted with a seat it becomes a pending referral; its first due paid online earns the referrer a discount on their next due', async () => {
    const call = await gql(w.url(), 'mutation($id: ID!) { logLeadActivity(id: $id, kind: CALL, body: "Called; will visit tomorrow") { userErrors { code } } }', { token: w.owner, variables: { id: leadId } });
    expect(data(call, 'logLeadActivity')).toEqual({ userErrors: [] });
    const f = await gql(w.url(), 'mutation($id: ID!, $at: DateTime!) { scheduleFollowUp(leadId: $id, dueAt: $at, note: "Confirm the visit") { followUp { id } userErrors { code } } }', { token: w.owner, variables: { id: leadId, at: new Date(clock.now().getTime() + 3_600_000).toISOString() } });
    const followUpId = data<{ followUp: { id: string } }>(f, 'scheduleFollowUp').followUp.id;
    expect(data(await gql(w.url(), 'mutation($id: ID!) { completeFollowUp(id: $id, outcome: "Coming at 5") { userErrors { code } } }', { token: w.owner, variables: { id: followUpId } }), 'completeFollowUp')).toEqual({ userErrors: [] });
    expect(data(await gql(w.url(), 'mutation($id: ID!) { logLeadActivity(id: $id, kind: VISIT, body: "Saw the AC hall") { userErrors { code } } }', { token: w.owner, variables: { id: leadId } }), 'logLeadActivity')).toEqual({ userErrors: [] });
    const converted = await gql(w.url(), 'mutation($id: ID!, $seat: ConvertSeatInput) { convertLead(id: $id, seat: $seat) { student { id } allocation { id } userErrors { code message } } }', {
      token: w.owner,
      variables: { id: leadId, seat: { seatId: w.lib.seatIds[20], shiftId: w.lib.shifts.fullDay, pricePaise: 120_000 } },
    });
    const c = data<{ student: { id: string }; allocation: { id: string } | null; userErrors: unknown[] }>(converted, 'convertLead');
    expect(c.userErrors).toEqual([]);
    newcomer = c.student.id;
    expect(await referralOf(newcomer)).toMatchObject({ status: 'PENDING', rewardPaise: 0, referrer: { id: referrer.studentId }, lead: { id: leadId } });
    // Nothing is earned before the payment.
    expect((await sweep()).referralsEarned).toBe(0);

    const due = await openDue(newcomer);
    expect(due.amountPaise).toBe(120_000);
    const { order } = await createOrder(w, newcomer, [due.id]);
    await payAtCheckout(w, order!);
    await settled(w);
    expect((await orderStatus(w, order!.id)).status).toBe('PAID');

    const referrerDue = await openDue(referrer.studentId);
    const r = await sweep();
    expect(r).toMatchObject({ referralsEarned: 1, rewardsAppliedPaise: 20_000 });
    expect(await referralOf(newcomer)).toMatchObject({ status: 'EARNED', firstPaymentPaise: 120_000, rewardPaise: 20_000, appliedPaise: 20_000, note: null, rewards: [{ due: { id: referrerDue.id }, amountPaise: 20_000, reversedAt: null }] });
    const after = (await duesOf(w, referrer.studentId)).find((d) => d.id === referrerDue.id)!;
    expect(after.balancePaise).toBe(referrerDue.balancePaise - 20_000);
    expect(await adjustments(referrer.studentId)).toEqual([{ kind: 'DISCOUNT', amountPaise: -20_000, reason: 'Referral reward', idempotencyKey: expect.stringMatching(/^referral:/) }]);
    // Again: nothing more.
    expect(await sweep()).toMatchObject({ referralsEarned: 0, rewardsAppliedPaise: 0 });
    expect(await adjustments(referrer.studentId)).toHaveLength(1);

    const mine = data<{ earnedPaise: number; appliedPaise: number; rewarded: number; referrals: { edges: { node: { referred: { id: string }; status: string } }[] } }>(await gql(w.url(), MINE, { token: referrer.studentToken }), 'myReferrals');
    expect(mine).toMatchObject({ earnedPaise: 20_000, appliedPaise: 20_000, rewarded: 1 });
    expect(mine.referrals.edges.map((e) => [e.node.referred.id, e.node.status])).toEqual([[newcomer, 'EARNED']]);
  });

  it('a student added at the desk carries a code; the monthly cap cuts the second reward; a refund inside the window takes it back', async () => {
    const second = await enrol(w, { name: 'Second Friend', pricePaise: 100_000 });
    secondId = second.studentId;
    expect(codes(await gql(w.url(), RECORD_REFERRAL, { token: w.owner, variables: { s: referrer.studentId, c: code } }), 'recordReferral')).toEqual([['SELF_REFERRAL', 'input.referralCode']]);
    expect(codes(await gql(w.url(), RECORD_REFERRAL, { token: w.owner, variables: { s: newcomer, c: code } }), 'recordReferral')).toEqual([['NOT_ELIGIBLE', 'input.studentId']]);
    const recorded = data<{ referral: { status: string }; userErrors: unknown[] }>(await gql(w.url(), RECORD_REFERRAL, { token: w.owner, variables: { s: secondId, c: code } }), 'recordReferral');
    expect(recorded).toMatchObject({ referral: { status: 'PENDING', referrer: { id: referrer.studentId }, referred: { id: secondId } }, userErrors: [] });
    expect(codes(await gql(w.url(), RECORD_REFERRAL, { token: w.owner, variables: { s: secondId, c: code } }), 'recordReferral')).toEqual([['ALREADY_REFERRED', 'input.studentId']]);

    const paymentId = await payCash(secondId, 100_000);
    expect(await sweep()).toMatchObject({ referralsEarned: 1, rewardsAppliedPaise: 10_000 });
    expect(await referralOf(secondId)).toMatchObject({ status: 'EARNED', rewardPaise: 10_000, appliedPaise: 10_000, note: 'Reward cut from 20000 to 10000 paise by the monthly cap' });
    const balance = (await openDue(referrer.studentId)).balancePaise;

    const refund = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, amountPaise: 100_000, idempotencyKey: `refund-${secondId}`, reason: 'changed mind' } } });
    expect(data(refund, 'refundPayment')).toEqual({ refund: { status: 'PROCESSED' }, userErrors: [] });
    expect(await sweep()).toMatchObject({ referralsClawedBack: 1, rewardsAppliedPaise: 0 });
    const clawed = await referralOf(secondId);
    expect(clawed).toMatchObject({ status: 'CLAWED_BACK', rewardPaise: 10_000, appliedPaise: 0, note: expect.stringMatching(/^First payment refunded on .*: reward taken back \(10000 paise off dues reversed\)$/) });
    expect((await openDue(referrer.studentId)).balancePaise).toBe(balance + 10_000);
    expect((await adjustments(referrer.studentId)).map((a) => [a.kind, a.amountPaise])).toEqual([
      ['DISCOUNT', -20_000],
      ['DISCOUNT', -10_000],
      ['DISCOUNT_REVERSED', 10_000],
    ]);
    expect(await sweep()).toMatchObject({ referralsClawedBack: 0 });
    const mine = data<{ earnedPaise: number; appliedPaise: number }>(await gql(w.url(), MINE, { token: referrer.studentToken }), 'myReferrals');
    expect(mine).toMatchObject({ earnedPaise: 20_000, appliedPaise: 20_000 });
  });

  it('a refund after the window leaves the reward; a percentage rule rounds half up', async () => {
    const other = await enrol(w, { name: 'Other Referrer', pricePaise: 90_000 });
    const otherCode = data<{ referralCode: string }>(await gql(w.url(), 'query($s: ID!) { student(id: $s) { referralCode } }', { token: w.owner, variables: { s: other.studentId } }), 'student').referralCode;
    expect(data(await rule({ rewardKind: 'PERCENT', rewardPaise: null, rewardBasisPoints: 1_250, monthlyCapPaise: 100_000, clawbackDays: 0 }), 'updateReferralSettings')).toMatchObject({ userErrors: [] });
    const friend = await enrol(w, { name: 'Late Refund', pricePaise: 99_999 });
    expect(data<{ userErrors: unknown[] }>(await gql(w.url(), RECORD_REFERRAL, { token: w.owner, variables: { s: friend.studentId, c: otherCode } }), 'recordReferral').userErrors).toEqual([]);
    const paymentId = await payCash(friend.studentId, 99_999);
    // 12.5% of 99,999 paise is 12,499.875: 12,500.
    expect(await sweep()).toMatchObject({ referralsEarned: 1, rewardsAppliedPaise: 12_500 });
    await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, amountPaise: 99_999, idempotencyKey: `refund-${friend.studentId}` } } });
    expect(await sweep()).toMatchObject({ referralsClawedBack: 0 });
    expect(await referralOf(friend.studentId)).toMatchObject({ status: 'EARNED', rewardPaise: 12_500, appliedPaise: 12_500 });
    await rule({});
  });

  it('races: 10 concurrent recordings of one referral make one; two sweeps at once give one discount', async () => {
    const friend = await enrol(w, { name: 'Race Friend', pricePaise: 80_000 });
    const other = await enrol(w, { name: 'Race Referrer', pricePaise: 80_000 });
    const otherCode = data<{ referralCode: string }>(await gql(w.url(), 'query($s: ID!) { student(id: $s) { referralCode } }', { token: w.owner, variables: { s: other.studentId } }), 'student').referralCode;
    const answers = await Promise.all(Array.from({ length: 10 }, () => gql(w.url(), RECORD_REFERRAL, { token: w.owner, variables: { s: friend.studentId, c: otherCode } })));
    const outcomes = answers.map((r) => data<{ referral: unknown; userErrors: { code: string }[] }>(r, 'recordReferral')).map((p) => (p.referral ? 'made' : p.userErrors[0]!.code));
    expect(outcomes.filter((o) => o === 'made')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ALREADY_REFERRED')).toHaveLength(9);
    await payCash(friend.studentId, 80_000);
    const [a, b] = await Promise.all([sweep(), sweep()]);
    expect(a.referralsEarned + b.referralsEarned).toBe(1);
    expect(a.rewardsAppliedPaise + b.rewardsAppliedPaise).toBe(20_000);
    expect((await adjustments(other.studentId)).map((x) => [x.kind, x.amountPaise])).toEqual([['DISCOUNT', -20_000]]);
  });

  it("every due's balance is its amount plus its adjustments less what was paid", async () => {
    const bad = await w.world.platform.tenants.withTenant(w.a.id, (db) =>
      db.$queryRaw<{ id: string }[]>`SELECT d.id FROM dues d WHERE d.adjustment_paise <> COALESCE((SELECT SUM(a.amount_paise) FROM due_adjustments a WHERE a.due_id = d.id), 0)
        OR (d.status = 'PAID' AND d.amount_paise + d.adjustment_paise - d.paid_paise <> 0)`,
    );
    expect(bad).toEqual([]);
  });

  it('a manager limited to another branch sees none of these referrals; another student sees only their own', async () => {
    const token = w.tokenFor({ sub: w.a.ownerId, role: 'MANAGER', tenantId: w.a.id, libraryIds: [w.a.libraryId] });
    expect(data(await gql(w.url(), '{ referrals { edges { node { id } } } }', { token }), 'referrals')).toEqual({ edges: [] });
    const mine = data<{ referrals: { edges: unknown[] }; earnedPaise: number }>(await gql(w.url(), MINE, { token: w.tokenFor({ sub: secondId, role: 'STUDENT', tenantId: w.a.id }) }), 'myReferrals');
    expect(mine).toMatchObject({ earnedPaise: 0, referrals: { edges: [] } });
  });
});
