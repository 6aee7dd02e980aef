// Referrals: every student's code (referral-code.ts), a code carried by an enquiry, a lead or a new
// student, the referral it becomes, the tenant's reward rule, and what students and staff see. The
// rewards themselves — earned at the first payment, put on dues, taken back after a refund — are the
// sweep's (rewards.service.ts).
import { clock, emptyConnection, isUuid, paginate, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { engagementError, fail, type EngagementUserError } from '../errors.ts';
import { referralCodeOf, referralCodePrefix } from './referral-code.ts';
import { actorOf, inBranches } from '../shared/scope.ts';
import * as repo from './referrals.repository.ts';
import type { ReferralRow, ReferralStatus } from './referrals.repository.ts';

export { referralCodeOf, referralCodePrefix };

/** The rule until an owner saves one: ₹200 per referral, at most ₹1,000 a month per referrer, taken back after a refund within 7 days. */
export interface ReferralRule {
  rewardKind: 'FIXED' | 'PERCENT';
  rewardPaise: number;
  rewardBasisPoints: number;
  monthlyCapPaise: number;
  clawbackDays: number;
}
export const DEFAULT_RULE: ReferralRule = { rewardKind: 'FIXED', rewardPaise: 20_000, rewardBasisPoints: 0, monthlyCapPaise: 100_000, clawbackDays: 7 };

export async function referralRule(db: RequestScope['db']): Promise<ReferralRule> {
  return (await repo.settingsRow(db)) ?? DEFAULT_RULE;
}

/**
 * The student a referral code names, checked against the phone it is given for: null when no code
 * was given; REFERRAL_CODE_UNKNOWN; SELF_REFERRAL when the phone is the code's owner's.
 */
export async function referrerOf(s: Pick<RequestScope, 'db'>, code: string | null | undefined, phone: string, at: string[]): Promise<{ id: string } | EngagementUserError | null> {
  if (!code?.trim()) return null;
  const prefix = referralCodePrefix(code);
  const found = prefix ? await ports.campus.studentsByIdPrefix(s.db, prefix) : [];
  if (found.length !== 1) return engagementError('REFERRAL_CODE_UNKNOWN', 'No student has this referral code', ...at, 'referralCode');
  if (found[0]!.phone === phone) return engagementError('SELF_REFERRAL', 'A student cannot refer themselves', ...at, 'referralCode');
  return { id: found[0]!.id };
}

/** A student the caller may see (their branch in the caller's branches). */
async function visibleStudent(s: RequestScope, id: string) {
  if (!isUuid(id)) return null;
  const [student] = await ports.campus.students(s.db, [id]);
  return student && (s.libraryIds === null || (student.libraryId !== null && inBranches(s, student.libraryId))) ? student : null;
}

const refuse = (code: Parameters<typeof fail>[0], message: string, ...field: string[]) => ({ referral: null, ...fail(code, message, 'input', ...field) });

/** Staff record that a student (new, not yet paying) came through another's code. */
export async function recordReferral(ctx: SubgraphContext, s: RequestScope, input: { studentId: string; referralCode: string }) {
  const student = await visibleStudent(s, input.studentId);
  if (!student) return refuse('NOT_FOUND', 'No such student', 'studentId');
  const referrer = await referrerOf(s, input.referralCode, student.phone, ['input']);
  if (!referrer) return refuse('INVALID_INPUT', 'Give the referral code', 'referralCode');
  // Their own code is SELF_REFERRAL there: the code's student has the same phone.
  if ('code' in referrer) return { referral: null, userErrors: [referrer] };
  if ((await ports.billing.firstPayments(s.db, [student.id])).size) return refuse('NOT_ELIGIBLE', 'The student has paid a fee already: a referral counts for new students', 'studentId');
  const id = await repo.insertReferral(s.db, { referrerStudentId: referrer.id, referredStudentId: student.id, libraryId: student.libraryId, leadId: null, createdById: actorOf(s), at: clock.now() });
  if (!id) return refuse('ALREADY_REFERRED', 'The student was referred already', 'studentId');
  await ctx.audit({ action: 'referral.record', targetType: 'Referral', targetId: id, tenantId: s.tenantId, details: { referrerStudentId: referrer.id, referredStudentId: student.id } });
  return { referral: await repo.findReferral(s.db, id), userErrors: [] };
}

/**
 * A converted lead that carried a code becomes a referral (once: retried conversions add nothing).
 * Not when the code's owner is the student the lead became, nor when that student paid before the
 * lead came (an existing student is not a new one). Returns the referral's id, or null.
 */
export async function referConvertedLead(s: Pick<RequestScope, 'db'>, lead: { id: string; referrerStudentId: string | null; studentId: string | null; libraryId: string; createdAt: Date; createdById: string | null }) {
  if (!lead.referrerStudentId || !lead.studentId || lead.referrerStudentId === lead.studentId) return null;
  const paid = (await ports.billing.firstPayments(s.db, [lead.studentId])).get(lead.studentId);
  if (paid && paid.capturedAt < lead.createdAt) return null;
  return repo.insertReferral(s.db, { referrerStudentId: lead.referrerStudentId, referredStudentId: lead.studentId, libraryId: lead.libraryId, leadId: lead.id, createdById: lead.createdById, at: clock.now() });
}

export async function updateReferralRule(ctx: SubgraphContext, s: RequestScope, i: { rewardKind: 'FIXED' | 'PERCENT'; rewardPaise?: number | null; rewardBasisPoints?: number | null; monthlyCapPaise: number; clawbackDays: number }) {
  const bad = (field: string, message: string) => ({ settings: null, ...fail('INVALID_INPUT', message, 'input', field) });
  const rewardPaise = i.rewardPaise ?? 0;
  const rewardBasisPoints = i.rewardBasisPoints ?? 0;
  if (i.rewardKind === 'FIXED' && (!Number.isInteger(rewardPaise) || rewardPaise < 0 || rewardPaise > 10_000_000)) return bad('rewardPaise', 'rewardPaise is 0 to 10,000,000 (₹1 lakh)');
  if (i.rewardKind === 'PERCENT' && (!Number.isInteger(rewardBasisPoints) || rewardBasisPoints < 1 || rewardBasisPoints > 10_000)) return bad('rewardBasisPoints', 'rewardBasisPoints is 1 to 10,000 (0.01% to 100%)');
  if (!Number.isInteger(i.monthlyCapPaise) || i.monthlyCapPaise < 0 || i.monthlyCapPaise > 10_000_000) return bad('monthlyCapPaise', 'monthlyCapPaise is 0 to 10,000,000');
  if (!Number.isInteger(i.clawbackDays) || i.clawbackDays < 0 || i.clawbackDays > 90) return bad('clawbackDays', 'clawbackDays is 0 to 90');
  const rule = { rewardKind: i.rewardKind, rewardPaise: i.rewardKind === 'FIXED' ? rewardPaise : 0, rewardBasisPoints: i.rewardKind === 'PERCENT' ? rewardBasisPoints : 0, monthlyCapPaise: i.monthlyCapPaise, clawbackDays: i.clawbackDays };
  const settings = await repo.saveSettings(s.db, { ...rule, updatedAt: clock.now() });
  await ctx.audit({ action: 'referral.settings.update', tenantId: s.tenantId, details: rule });
  return { settings, userErrors: [] };
}

/** Staff: the tenant's referrals, newest first (branch-limited callers: their branches' referred students). */
export async function listReferrals(s: RequestScope, a: { first?: number | null; after?: string | null; status?: ReferralStatus | null; referrerId?: string | null }) {
  if (a.referrerId && !isUuid(a.referrerId)) return emptyConnection<ReferralRow>();
  return paginate(a, (take, cursor) => repo.referralsPage(s.db, take, cursor, { referrerStudentId: a.referrerId ?? undefined, status: a.status, libraryIds: s.libraryIds }), 'desc');
}

export type MyReferralsRow = { studentId: string; code: string; rule: ReferralRule; earnedPaise: number; appliedPaise: number; rewarded: number };

/** A student's own: their code, the rule, their referrals and what they earned. Null for a caller without a student record. */
export async function myReferrals(s: RequestScope): Promise<MyReferralsRow | null> {
  const me = await s.ownStudentId();
  if (!me || me === 'none') return null;
  const [rule, totals] = await Promise.all([referralRule(s.db), repo.totalsOf(s.db, me)]);
  return { studentId: me, code: referralCodeOf(me), rule, ...totals };
}

export const myReferralsPage = (s: RequestScope, studentId: string, first: number | null | undefined, after: string | null | undefined) =>
  paginate({ first, after }, (take, cursor) => repo.referralsPage(s.db, take, cursor, { referrerStudentId: studentId }), 'desc');
