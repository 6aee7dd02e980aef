// Sending an SMS under DLT rules, paid in credits: only through an approved template, each variable
// within 30 characters and the text matching the template; promotional and service-explicit messages
// only to numbers that consented and only 10:00–21:00 IST (later ones wait); credits by segments,
// held before the provider is called, spent when it accepts, returned when it refuses.
import type { TenantPrisma } from '@studyspot/db';
import { clock, isUuid, normalizeIndianMobile, ports, type Platform, type SubgraphContext, type UserError } from '@studyspot/runtime';
import { Msg91Client, Msg91Error, msg91Mobile } from '@studyspot/runtime/msg91';
import { metrics } from '@studyspot/runtime/observability';
import { fail, refuseSend, type CommunicationsErrorCode, type SendRefusal } from '../errors.ts';
import { wanting, type Category } from '../inbox/inbox.service.ts';
import { promotionalSendAt, render, segments } from './dlt.ts';
import { applyEarlyReports } from './reports.service.ts';
import * as repo from './sms.repository.ts';

export interface SendInput {
  templateId: string;
  vars: string[];
  studentId?: string | null;
  phone?: string | null;
  idempotencyKey: string;
  campaignId?: string | null;
  /** What it is about: a student's SMS preference for it is honoured (null: staff's one-off message). */
  category?: Category | null;
}

const needsConsent = (category: string) => category === 'PROMOTIONAL' || category === 'SERVICE_EXPLICIT';

/** Whether a number agreed to promotional messages and has not replied STOP since. */
async function consented(db: TenantPrisma, phone: string): Promise<boolean> {
  const consent = await repo.findConsent(db, phone);
  return Boolean(consent?.promotional && !consent.optedOutAt);
}

/** Whether the student wants SMS about this category (a message not about a student, or without one: yes). */
async function smsWanted(db: TenantPrisma, studentId: string | null, category: Category | null | undefined): Promise<boolean> {
  return !studentId || !category || (await wanting(db, [studentId], category, 'SMS')).length > 0;
}

export function smsClient(platform: Platform): Msg91Client | null {
  return platform.config.sms ? new Msg91Client(platform.config.sms) : null;
}

type Sender = Pick<SubgraphContext, 'platform'>;
type Sent<C extends string> = { message: Awaited<ReturnType<typeof repo.createMessage>>; userErrors: never[] } | { userErrors: UserError<C>[] };

/**
 * Queues a message and, unless it must wait for the promotional window, sends it now. A message
 * about a category can be refused by the student's preference (PREFERENCE_OFF, for the caller to
 * report per recipient); staff's one-off message (the sendSms mutation) has none, so its refusals
 * are the mutation's own codes.
 */
export function sendSms(ctx: Sender, tenantId: string, db: TenantPrisma, i: SendInput & { category?: null }, now?: Date): Promise<Sent<CommunicationsErrorCode>>;
export function sendSms(ctx: Sender, tenantId: string, db: TenantPrisma, i: SendInput, now?: Date): Promise<Sent<SendRefusal>>;
export async function sendSms(ctx: Sender, tenantId: string, db: TenantPrisma, i: SendInput, now = clock.now()): Promise<Sent<SendRefusal>> {
  const existing = await repo.findMessageByKey(db, i.idempotencyKey);
  if (existing) return { message: existing, userErrors: [] };
  const template = isUuid(i.templateId) ? await repo.findTemplate(db, i.templateId) : null;
  if (!template) return refuseSend('NOT_FOUND', 'No such template', 'input', 'templateId');
  if (template.approval !== 'APPROVED') return fail('TEMPLATE_NOT_APPROVED', 'Messages go out only through a template approved on the DLT portal', 'input', 'templateId');
  let phone: string | null = null;
  let studentId: string | null = null;
  if (i.studentId) {
    const [student] = isUuid(i.studentId) ? await ports.campus.students(db, [i.studentId]) : [];
    if (!student) return fail('NOT_FOUND', 'No such student', 'input', 'studentId');
    phone = student.phone;
    studentId = student.id;
  } else if (i.phone) phone = normalizeIndianMobile(i.phone);
  if (!phone) return fail('INVALID_INPUT', 'A student or a 10-digit Indian mobile number is required', 'input', 'phone');
  if (!(await smsWanted(db, studentId, i.category))) return refuseSend('PREFERENCE_OFF', `This student turned SMS off for ${i.category!.toLowerCase()}`, 'input', 'studentId');
  const rendered = render(template.body, i.vars);
  if ('error' in rendered) return fail('INVALID_INPUT', rendered.error, 'input', 'vars');
  let sendAfter = now;
  if (needsConsent(template.category)) {
    if (!(await consented(db, phone))) return fail('CONSENT_REQUIRED', 'This number has not agreed to promotional messages (or replied STOP)', 'input', 'phone');
    sendAfter = promotionalSendAt(now);
  }
  const { parts } = segments(rendered.text);
  // Credits are held first: without them nothing is queued or sent.
  const held = await ports.billing.credits(ctx.platform).reserve({ tenantId, credits: parts, idempotencyKey: `sms:${tenantId}:${i.idempotencyKey}`, purpose: `SMS ${template.name}`, ttlSeconds: sendAfter > now ? 36 * 3600 : undefined });
  if ('error' in held) return fail('INSUFFICIENT_CREDITS', `This message needs ${parts} credit${parts > 1 ? 's' : ''}; the wallet has fewer`);
  let message;
  try {
    message = await repo.createMessage(db, { studentId, phone, templateId: template.id, body: rendered.text, vars: i.vars, parts, credits: parts, reservationId: held.id, idempotencyKey: i.idempotencyKey, campaignId: i.campaignId ?? null, category: i.category ?? null, sendAfter });
  } catch (err) {
    const raced = await repo.findMessageByKey(db, i.idempotencyKey);
    if (raced) return { message: raced, userErrors: [] };
    await ports.billing.credits(ctx.platform).release(held.id);
    throw err;
  }
  if (sendAfter <= now) message = await deliver(ctx.platform, tenantId, db, message.id, now);
  // The messages sweep sends it at its time.
  else await ctx.platform.work.due(tenantId, 'messages', sendAfter);
  return { message, userErrors: [] };
}

/**
 * Hands a queued message to MSG91, once (the status moves QUEUED → SENT conditionally). Accepted:
 * SENT and its credits spent. Refused: REJECTED, or FAILED when MSG91 stayed unavailable through the
 * retries, and its credits returned.
 */
/**
 * Whether a queued message may still go now: the rules are checked again at send time, since a held
 * message waits hours. A reason to cancel it, a later time to wait for, or null (it may go).
 */
async function mayStillGo(db: TenantPrisma, m: { phone: string; studentId: string | null; category: Category | null; template: { approval: string; category: string } }, now: Date): Promise<{ cancel: string } | { wait: Date } | null> {
  if (m.template.approval !== 'APPROVED') return { cancel: 'Its template is no longer approved on the DLT portal' };
  if (needsConsent(m.template.category)) {
    if (!(await consented(db, m.phone))) return { cancel: 'The number withdrew its consent (or replied STOP) before the message went' };
    const at = promotionalSendAt(now);
    if (at > now) return { wait: at };
  }
  if (!(await smsWanted(db, m.studentId, m.category))) return { cancel: `The student turned SMS off for ${m.category!.toLowerCase()} before the message went` };
  return null;
}

export async function deliver(platform: Platform, tenantId: string, db: TenantPrisma, messageId: string, now = clock.now()) {
  const m = await repo.findMessageWithTemplate(db, messageId);
  if (m.status !== 'QUEUED') return m;
  if (m.attempts === 0) {
    const verdict = await mayStillGo(db, m, now);
    if (verdict && 'wait' in verdict) {
      await repo.updateIfQueued(db, m.id, 0, { sendAfter: verdict.wait });
      await platform.work.due(tenantId, 'messages', verdict.wait);
      return repo.findMessageOrThrow(db, m.id);
    }
    if (verdict) {
      const cancelled = await repo.updateIfQueued(db, m.id, 0, { status: 'CANCELLED', reason: verdict.cancel.slice(0, 200) });
      if (cancelled && m.reservationId) await ports.billing.credits(platform).release(m.reservationId);
      if (cancelled) metrics.sms.inc({ status: 'CANCELLED' });
      return repo.findMessageOrThrow(db, m.id);
    }
  }
  // A message claimed before and still queued was interrupted mid-send (a crash): MSG91 may have it.
  // It is not sent again — a duplicate is worse than one lost — and its credits are returned.
  if (m.attempts > 0) {
    const moved = await repo.updateIfQueued(db, m.id, m.attempts, { status: 'FAILED', reason: 'Interrupted while sending; not sent again to avoid a duplicate' });
    if (moved && m.reservationId) await ports.billing.credits(platform).release(m.reservationId);
    return repo.findMessageOrThrow(db, m.id);
  }
  if (!(await repo.updateIfQueued(db, m.id, m.attempts, { attempts: { increment: 1 } }))) return repo.findMessageOrThrow(db, m.id);
  const client = smsClient(platform);
  const credits = ports.billing.credits(platform);
  const vars = Object.fromEntries(m.vars.map((v, n) => [`var${n + 1}`, v]));
  try {
    if (!client) throw new Msg91Error('unavailable', 'No SMS provider is configured');
    const requestId = await client.sendFlow(m.template.msg91TemplateId, [{ mobiles: msg91Mobile(m.phone), ...vars }]);
    await repo.recordRequest(platform.core, requestId, tenantId);
    if (m.reservationId) await credits.commit(m.reservationId);
    await repo.updateMessage(db, m.id, { status: 'SENT', requestId, sentAt: clock.now() });
    metrics.sms.inc({ status: 'SENT' });
    // A report may have come first; the message as it is now.
    await applyEarlyReports(platform, requestId);
    return repo.findMessageOrThrow(db, m.id);
  } catch (err) {
    if (!(err instanceof Msg91Error)) throw err;
    if (m.reservationId) await credits.release(m.reservationId);
    const status = err.kind === 'unavailable' ? 'FAILED' : 'REJECTED';
    metrics.sms.inc({ status });
    return repo.updateMessage(db, m.id, { status, reason: err.message.slice(0, 200) });
  }
}

/** Messages whose time has come (promotional ones after 10:00 IST): sends them. */
export async function sendDue(platform: Platform, tenantId: string, db: TenantPrisma, now = clock.now()): Promise<number> {
  const due = await repo.dueMessageIds(db, now);
  for (const id of due) await deliver(platform, tenantId, db, id, now);
  return due.length;
}
