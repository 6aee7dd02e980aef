// The public enquiry form (a library's website, the QR poster at its door): anyone may send one, so
// it is guarded like sign-in — checked whole before anything is counted or written, limited per
// phone and per network address, and its answer says nothing about earlier enquiries or leads.
import { isUuid, ports, type SubgraphContext } from '@studyspot/runtime';
import { engagementError, fail } from '../errors.ts';
import { referralCodePrefix, referrerOf } from '../referrals/referrals.service.ts';
import { checkShift, cleanLead, recordLead, type LeadFields } from './leads.service.ts';

/** Per phone: 5 enquiries in 10 minutes; per network address: 30 in 10 minutes. */
export const ENQUIRY_LIMITS = { perPhone: 5, perIp: 30, windowSeconds: 600 };

export interface EnquiryInput extends LeadFields {
  tenantSlug: string;
  libraryId: string;
  source?: 'WEBSITE' | 'QR_POSTER' | string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  consent: boolean;
  referralCode?: string | null;
}

const refused = (code: 'INVALID_INPUT' | 'NOT_FOUND', message: string, ...field: string[]) => ({ received: false, ...fail(code, message, 'input', ...field) });

const UTM = /^[\w .:/+-]*$/;

export async function submitEnquiry(ctx: SubgraphContext, i: EnquiryInput) {
  const clean = cleanLead(i, ['input']);
  if ('code' in clean) return { received: false, userErrors: [clean] };
  const source = i.source ?? 'WEBSITE';
  if (source !== 'WEBSITE' && source !== 'QR_POSTER') return refused('INVALID_INPUT', 'An enquiry comes from the WEBSITE or the QR_POSTER', 'source');
  for (const k of ['utmSource', 'utmMedium', 'utmCampaign'] as const) {
    if (i[k] && !UTM.test(i[k])) return refused('INVALID_INPUT', `${k} may hold letters, digits, spaces and . : / + - _ only`, k);
  }
  if (i.referralCode?.trim() && !referralCodePrefix(i.referralCode)) return refused('INVALID_INPUT', 'A referral code is 10 letters and digits, e.g. 3KX9P-QM2TA', 'referralCode');
  const tenant = await ports.tenants.bySlug(ctx.core, i.tenantSlug);
  if (!tenant || tenant.status !== 'ACTIVE') return refused('NOT_FOUND', 'No such study centre', 'tenantSlug');
  const limiter = ctx.platform.rateLimiter;
  const [byPhone, byIp] = await Promise.all([
    limiter.hit(`enquiry:phone:${tenant.id}:${clean.phone}`, ENQUIRY_LIMITS.windowSeconds),
    limiter.hit(`enquiry:ip:${ctx.clientIp ?? 'unknown'}`, ENQUIRY_LIMITS.windowSeconds),
  ]);
  if (byPhone.count > ENQUIRY_LIMITS.perPhone || byIp.count > ENQUIRY_LIMITS.perIp) {
    const e = { ...engagementError('RATE_LIMITED', 'Too many enquiries; try again later'), retryAfterSeconds: Math.max(byPhone.retryAfterSeconds, byIp.retryAfterSeconds) };
    return { received: false, userErrors: [e] };
  }
  const db = await ctx.tenantDb(tenant.id);
  if (!isUuid(i.libraryId) || !(await ports.campus.librariesExist(db, [i.libraryId]))) return refused('NOT_FOUND', 'No such library', 'libraryId');
  const shiftError = await checkShift({ db }, i.libraryId, clean.preferredShiftId, ['input']);
  if (shiftError) return { received: false, userErrors: [shiftError] };
  // A student's own code on their own phone is not an error here (the form tells nobody whose phone
  // it is): the lead just carries no referrer.
  const referrer = await referrerOf({ db }, i.referralCode, clean.phone, ['input']);
  if (referrer && 'code' in referrer && referrer.code !== 'SELF_REFERRAL') return { received: false, userErrors: [referrer] };
  const referrerStudentId = referrer && !('code' in referrer) ? referrer.id : null;
  await recordLead(ctx, tenant.id, { db }, { ...clean, libraryId: i.libraryId, source, consent: i.consent, utmSource: i.utmSource?.trim() || null, utmMedium: i.utmMedium?.trim() || null, utmCampaign: i.utmCampaign?.trim() || null, actorId: null, referrerStudentId });
  return { received: true, userErrors: [] };
}
