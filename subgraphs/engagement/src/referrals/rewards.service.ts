// Referral rewards, as due work (jobs/sweeper.ts; billing marks the tenant's engagement work due
// when a payment is captured or a refund processed):
//   1. a pending referral whose referred student's first payment was captured earns the tenant's
//      reward (fixed paise, or basis points of that payment rounded half up), cut to what is left of
//      the referrer's monthly cap (IST month of the payment); a pending one 90 days old expires;
//   2. an earned one whose first payment was refunded (any part) within the rule's clawback days is
//      clawed back: each discount it put on a due is reversed through billing (a paid due opens again);
//   3. an earned reward not yet wholly on the referrer's dues goes on their next open due as a
//      discount (billing's port, idempotent by key); with no due owing now, it waits for the next run.
// Every change is audited (referral.earned / .clawed_back / .applied / .expired).
import { clock, istDay, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { referralCodeOf } from './referral-code.ts';
import * as repo from './referrals.repository.ts';
import { recordReferral, referralRule, type ReferralRule } from './referrals.service.ts';

const DAY_MS = 86_400_000;
/** A referral with no payment this long after it is EXPIRED. */
export const PENDING_DAYS = 90;
/** How often earned rewards with no due to go on are tried again. */
const RETRY_MS = 6 * 60 * 60_000;
const BATCH = 500;

export interface RewardsReport {
  earned: number;
  clawedBack: number;
  appliedPaise: number;
  expired: number;
  next: Date | null;
}

/** The reward a first payment earns under the rule, before the cap. */
export const rewardFor = (rule: ReferralRule, paymentPaise: number) =>
  rule.rewardKind === 'FIXED' ? rule.rewardPaise : Math.floor((paymentPaise * rule.rewardBasisPoints + 5_000) / 10_000);

/** The IST month (YYYY-MM) of an instant. */
const istMonth = (at: Date) => istDay(at).toISOString().slice(0, 7);

export async function settleReferrals(ctx: SubgraphContext, s: RequestScope, now: Date): Promise<RewardsReport> {
  const report: RewardsReport = { earned: 0, clawedBack: 0, appliedPaise: 0, expired: 0, next: null };
  const rule = await referralRule(s.db);
  const audit = (action: string, id: string, details: Record<string, unknown>) => ctx.audit({ action: `referral.${action}`, targetType: 'Referral', targetId: id, tenantId: s.tenantId, details });

  // 1. First payments.
  const pending = await repo.pending(s.db, BATCH);
  const paid = await ports.billing.firstPayments(s.db, pending.map((r) => r.referredStudentId));
  for (const r of pending) {
    const p = paid.get(r.referredStudentId);
    if (!p) {
      if (now.getTime() - r.createdAt.getTime() > PENDING_DAYS * DAY_MS && (await repo.setStatus(s.db, r.id, 'PENDING', 'EXPIRED', `No payment within ${PENDING_DAYS} days`, now)).count) {
        report.expired++;
        await audit('expired', r.id, {});
      }
      continue;
    }
    const reward = rewardFor(rule, p.amountPaise);
    const done = await repo.earn(s.db, r.id, { referrerStudentId: r.referrerStudentId, paymentId: p.paymentId, paymentPaise: p.amountPaise, paidAt: p.capturedAt, month: istMonth(p.capturedAt), reward, capPaise: rule.monthlyCapPaise, at: now });
    if (done) {
      report.earned++;
      await audit('earned', r.id, { paymentId: p.paymentId, rewardPaise: done.reward, uncappedPaise: reward });
    }
  }

  // 2. Refunds within the window (a day's margin on the query; the window itself is exact).
  const windowMs = rule.clawbackDays * DAY_MS;
  const recent = await repo.inWindow(s.db, new Date(now.getTime() - windowMs - DAY_MS), BATCH);
  const refunds = await ports.billing.refundsOf(s.db, recent.map((r) => r.firstPaymentId!).filter(Boolean));
  for (const r of recent) {
    const refund = refunds.find((x) => x.paymentId === r.firstPaymentId && x.processedAt && x.processedAt.getTime() <= r.firstPaidAt!.getTime() + windowMs);
    if (!refund) continue;
    let takenBack = 0;
    for (const w of await repo.activeRewards(s.db, r.id)) {
      takenBack += await ports.billing.reverseDiscount(s.db, { idempotencyKey: w.idempotencyKey, reason: 'Referral reward taken back: the referred student’s first payment was refunded' });
      await repo.markReversed(s.db, w.id, now);
    }
    const note = `First payment refunded on ${refund.processedAt!.toISOString().slice(0, 10)}: reward taken back${takenBack ? ` (${takenBack} paise off dues reversed)` : ''}`;
    if ((await repo.setStatus(s.db, r.id, 'EARNED', 'CLAWED_BACK', note, now)).count) {
      report.clawedBack++;
      await audit('clawed_back', r.id, { refundedPaise: refund.amountPaise, reversedPaise: takenBack });
    }
  }

  // 3. Rewards onto dues.
  let waiting = false;
  for (const r of await repo.unapplied(s.db, BATCH)) {
    const key = `referral:${r.id}:${r.applications + 1}`;
    const given = await ports.billing.discountNextDue(s.db, { studentId: r.referrerStudentId, amountPaise: r.rewardPaise - r.appliedPaise, reason: 'Referral reward', idempotencyKey: key });
    if (!given) {
      waiting = true;
      continue;
    }
    await repo.recordReward(s.db, { referralId: r.id, dueId: given.dueId, amountPaise: given.amountPaise, idempotencyKey: key, at: now });
    report.appliedPaise += given.amountPaise;
    await audit('applied', r.id, { dueId: given.dueId, amountPaise: given.amountPaise });
    if (r.appliedPaise + given.amountPaise < r.rewardPaise) waiting = true;
  }
  // Pending referrals are looked at again when a payment is captured (billing marks the work due);
  // the daily look expires old ones. Unapplied rewards wait for a due.
  const stillPending = pending.length > report.earned + report.expired;
  report.next = waiting ? new Date(now.getTime() + RETRY_MS) : stillPending ? new Date(now.getTime() + DAY_MS) : null;
  return report;
}

/**
 * The demo tenant's referral (gateway/src/seed.ts): `referredId`, a student not yet paying, came
 * through `referrerId`'s code. `reward` runs the reward step once the seed has recorded payments.
 */
export const demoReferral = {
  record: async (ctx: SubgraphContext, s: RequestScope, a: { referrerId: string; referredId: string }) => {
    const r = await recordReferral(ctx, s, { studentId: a.referredId, referralCode: referralCodeOf(a.referrerId) });
    if (!r.referral) throw new Error(`demo referral: ${JSON.stringify(r.userErrors)}`);
  },
  reward: (ctx: SubgraphContext, s: RequestScope) => settleReferrals(ctx, s, clock.now()),
};
