// The only code that reads or writes engagement's referrals, their rewards and the reward rule.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { KEYSET_ORDER_DESC } from '@studyspot/runtime';

type Tx = TenantPrismaNs.TransactionClient;
export type ReferralRow = NonNullable<Awaited<ReturnType<typeof findReferral>>>;
export type ReferralStatus = ReferralRow['status'];
export type RewardRow = Awaited<ReturnType<typeof rewardsOf>>[number];

export const settingsRow = (db: TenantPrisma) => db.referralSettings.findUnique({ where: { id: 1 } });
export const saveSettings = (db: TenantPrisma, data: Omit<TenantPrismaNs.ReferralSettingsUncheckedCreateInput, 'id'>) =>
  db.referralSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });

export const findReferral = (db: TenantPrisma | Tx, id: string) => db.referral.findUnique({ where: { id } });
export const referralOf = (db: TenantPrisma, referredStudentId: string) => db.referral.findUnique({ where: { referredStudentId } });

/** A referral of a student not referred before; null when they were (the unique referred student decides under any concurrency). */
export async function insertReferral(db: TenantPrisma | Tx, r: { referrerStudentId: string; referredStudentId: string; libraryId: string | null; leadId: string | null; createdById: string | null; at: Date }) {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO referrals (id, referrer_student_id, referred_student_id, library_id, lead_id, created_by_id, created_at, updated_at)
    VALUES (gen_random_uuid(), ${r.referrerStudentId}::uuid, ${r.referredStudentId}::uuid, ${r.libraryId}::uuid, ${r.leadId}::uuid, ${r.createdById}::uuid, ${r.at}, ${r.at})
    ON CONFLICT (referred_student_id) DO NOTHING RETURNING id`;
  return rows[0]?.id ?? null;
}

/** A page of referrals, newest first; optionally one referrer's, in one status, or of some branches. */
export function referralsPage(db: TenantPrisma, take: number, cursor: object, f: { referrerStudentId?: string; status?: ReferralStatus | null; libraryIds?: string[] | null }) {
  return db.referral.findMany({
    where: {
      AND: [
        f.referrerStudentId ? { referrerStudentId: f.referrerStudentId } : {},
        f.status ? { status: f.status } : {},
        f.libraryIds ? { libraryId: { in: f.libraryIds } } : {},
        cursor,
      ],
    },
    orderBy: KEYSET_ORDER_DESC,
    take,
  });
}

/** What one referrer has earned and had put on dues (not taken back). */
export async function totalsOf(db: TenantPrisma, referrerStudentId: string) {
  const [earned, applied] = await Promise.all([
    db.referral.aggregate({ where: { referrerStudentId, status: 'EARNED' }, _sum: { rewardPaise: true }, _count: { _all: true } }),
    db.referralReward.aggregate({ where: { referral: { referrerStudentId }, reversedAt: null }, _sum: { amountPaise: true } }),
  ]);
  return { earnedPaise: earned._sum.rewardPaise ?? 0, rewarded: earned._count._all, appliedPaise: applied._sum.amountPaise ?? 0 };
}

export const rewardsOf = (db: TenantPrisma, referralIds: readonly string[]) =>
  db.referralReward.findMany({ where: { referralId: { in: [...referralIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

// --- the sweep's side ---

export const pending = (db: TenantPrisma, limit: number) => db.referral.findMany({ where: { status: 'PENDING' }, orderBy: { createdAt: 'asc' }, take: limit });

/** Earned referrals whose first payment is still inside the clawback window (refunds to look for). */
export const inWindow = (db: TenantPrisma, paidAfter: Date, limit: number) =>
  db.referral.findMany({ where: { status: 'EARNED', firstPaidAt: { gte: paidAfter } }, take: limit });

/** Earned rewards not wholly on dues yet, with what is on them. */
export async function unapplied(db: TenantPrisma, limit: number) {
  const rows = await db.$queryRaw<{ id: string; referrer_student_id: string; reward_paise: number; applied: number; n: number }[]>`
    SELECT r.id, r.referrer_student_id, r.reward_paise, COALESCE(SUM(w.amount_paise), 0)::int AS applied, COUNT(w.id)::int AS n
    FROM referrals r LEFT JOIN referral_rewards w ON w.referral_id = r.id
    WHERE r.status = 'EARNED' AND r.reward_paise > 0
    GROUP BY r.id HAVING COALESCE(SUM(w.amount_paise), 0) < r.reward_paise
    ORDER BY r.first_paid_at LIMIT ${limit}`;
  return rows.map((r) => ({ id: r.id, referrerStudentId: r.referrer_student_id, rewardPaise: r.reward_paise, appliedPaise: r.applied, applications: r.n }));
}

/**
 * Earns a pending referral's reward under the monthly cap, in one transaction that holds the
 * referrer's lock (two of one referrer's referrals never both fit under the cap's last rupees).
 * `reward` gives the uncapped reward; false when the referral was not pending any more.
 */
export function earn(db: TenantPrisma, id: string, a: { referrerStudentId: string; paymentId: string; paymentPaise: number; paidAt: Date; month: string; reward: number; capPaise: number; at: Date }) {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`referrer:${a.referrerStudentId}`}, 0))`;
    const used = await tx.referral.aggregate({ where: { referrerStudentId: a.referrerStudentId, rewardMonth: a.month, status: 'EARNED' }, _sum: { rewardPaise: true } });
    const room = Math.max(0, a.capPaise - (used._sum.rewardPaise ?? 0));
    const reward = Math.min(a.reward, room);
    const note = reward < a.reward ? (reward === 0 ? `No reward: the referrer reached the monthly cap of ${a.capPaise} paise` : `Reward cut from ${a.reward} to ${reward} paise by the monthly cap`) : null;
    const n = await tx.referral.updateMany({
      where: { id, status: 'PENDING' },
      data: { status: 'EARNED', firstPaymentId: a.paymentId, firstPaymentPaise: a.paymentPaise, firstPaidAt: a.paidAt, rewardPaise: reward, rewardMonth: a.month, note, updatedAt: a.at },
    });
    return n.count === 1 ? { reward, note } : null;
  });
}

export const recordReward = (db: TenantPrisma, r: { referralId: string; dueId: string; amountPaise: number; idempotencyKey: string; at: Date }) =>
  db.referralReward.upsert({ where: { idempotencyKey: r.idempotencyKey }, create: { referralId: r.referralId, dueId: r.dueId, amountPaise: r.amountPaise, idempotencyKey: r.idempotencyKey, createdAt: r.at }, update: {} });

export const activeRewards = (db: TenantPrisma, referralId: string) => db.referralReward.findMany({ where: { referralId, reversedAt: null } });
export const markReversed = (db: TenantPrisma, id: string, at: Date) => db.referralReward.updateMany({ where: { id, reversedAt: null }, data: { reversedAt: at } });

export const setStatus = (db: TenantPrisma, id: string, from: ReferralStatus, to: ReferralStatus, note: string, at: Date) =>
  db.referral.updateMany({ where: { id, status: from }, data: { status: to, note, updatedAt: at } });
