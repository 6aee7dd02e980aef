// The DLT registry (sender headers and templates with their approval), consent, message history and
// SMS analytics of a tenant.
import type { TenantPrisma } from '@studyspot/db';
import { addDays, badInput, byIds, istDayStart, isUuid, present, normalizeIndianMobile, paginate, type ConnectionArgs, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { variableCount } from './dlt.ts';
import * as repo from './sms.repository.ts';

/** A template as the API shows it: with its variable count and sender (batched per request). */
export async function withSender<T extends { body: string; senderId: string }>(ctx: SubgraphContext, t: T | null) {
  if (!t) return null;
  const { tenantId, db } = await ctx.currentTenant();
  const sender = await ctx.loader<string, Awaited<ReturnType<typeof repo.findSender>>>(`smsSender:${tenantId}`, async (ids) => byIds(ids, await repo.sendersByIds(db, ids))).load(t.senderId);
  return { ...t, variables: variableCount(t.body), sender: present(sender, 'sender') };
}

/** A template by id, batched per request (entity references, a message's or campaign's template). */
export async function templateById(ctx: SubgraphContext, id: string) {
  const { tenantId, db } = await ctx.currentTenant();
  if (!isUuid(id)) return null;
  return withSender(ctx, await ctx.loader<string, repo.TemplateRow | null>(`smsTemplate:${tenantId}`, async (ids) => byIds(ids, await repo.templatesByIds(db, ids))).load(id));
}

/** A message by id, batched per request (entity references). */
export async function messageById(ctx: SubgraphContext, id: string) {
  const { tenantId, db } = await ctx.currentTenant();
  if (!isUuid(id)) return null;
  return ctx.loader<string, repo.MessageRow | null>(`smsMessage:${tenantId}`, async (ids) => byIds(ids, await repo.messagesByIds(db, ids))).load(id);
}

export async function listTemplates(ctx: SubgraphContext) {
  const { db } = await ctx.currentTenant();
  return (await repo.listTemplates(db)).map((t) => ({ ...t, variables: variableCount(t.body) }));
}

export const listSenders = async (ctx: SubgraphContext) => repo.listSenders((await ctx.currentTenant()).db);

/** Messages newest first, of one student when given (an id that is not a UUID matches nothing). */
export async function listMessages(ctx: SubgraphContext, a: ConnectionArgs, studentId?: string | null) {
  const { db } = await ctx.currentTenant();
  if (studentId !== undefined && studentId !== null && !isUuid(studentId)) return paginate(a, async () => [], 'desc');
  return paginate(a, (take, keyset) => repo.listMessages(db, take, keyset, studentId ?? undefined), 'desc');
}

export async function createSender(ctx: SubgraphContext, headerIn: string, entityId: string | null | undefined) {
  const { db } = await ctx.currentTenant();
  const header = headerIn.trim().toUpperCase();
  if (!/^[A-Z]{6}$/.test(header)) return fail('INVALID_INPUT', 'A DLT header is six letters', 'header');
  if (await repo.findSenderByHeader(db, header)) return fail('DUPLICATE', `${header} is registered already`, 'header');
  const sender = await repo.createSender(db, header, entityId?.trim() || null);
  await ctx.audit({ action: 'sms.sender.create', targetType: 'SmsSender', targetId: sender.id, details: { header } });
  return { sender, userErrors: [] };
}

export interface TemplateInput {
  name: string;
  senderId: string;
  dltTemplateId: string;
  msg91TemplateId: string;
  category: 'TRANSACTIONAL' | 'SERVICE_IMPLICIT' | 'SERVICE_EXPLICIT' | 'PROMOTIONAL';
  body: string;
}

export async function createTemplate(ctx: SubgraphContext, i: TemplateInput) {
  const { db } = await ctx.currentTenant();
  if (!i.name.trim() || !i.dltTemplateId.trim() || !i.msg91TemplateId.trim() || !i.body.trim()) return fail('INVALID_INPUT', 'name, dltTemplateId, msg91TemplateId and body are required', 'input');
  const sender = isUuid(i.senderId) ? await repo.findSender(db, i.senderId) : null;
  if (!sender) return fail('NOT_FOUND', 'No such sender', 'input', 'senderId');
  if (await repo.findTemplateByDltId(db, i.dltTemplateId.trim())) return fail('DUPLICATE', 'This DLT template id is registered already', 'input', 'dltTemplateId');
  const t = await repo.createTemplate(db, { name: i.name.trim(), senderId: sender.id, dltTemplateId: i.dltTemplateId.trim(), msg91TemplateId: i.msg91TemplateId.trim(), category: i.category, body: i.body.trim() });
  await ctx.audit({ action: 'sms.template.create', targetType: 'SmsTemplate', targetId: t.id, details: { dltTemplateId: t.dltTemplateId, category: t.category } });
  return { template: await withSender(ctx, t), userErrors: [] };
}

export async function setTemplateApproval(ctx: SubgraphContext, id: string, approval: 'PENDING' | 'APPROVED' | 'REJECTED') {
  const { db } = await ctx.currentTenant();
  const t = isUuid(id) ? await repo.findTemplate(db, id) : null;
  if (!t) return fail('NOT_FOUND', 'No such template', 'id');
  const updated = await repo.setTemplateApproval(db, t.id, approval);
  await ctx.audit({ action: 'sms.template.approval', targetType: 'SmsTemplate', targetId: t.id, details: { from: t.approval, to: approval } });
  return { template: await withSender(ctx, updated), userErrors: [] };
}

export async function setConsent(ctx: SubgraphContext, phoneIn: string, promotional: boolean) {
  const { db } = await ctx.currentTenant();
  const phone = normalizeIndianMobile(phoneIn);
  if (!phone) return fail('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone');
  await repo.setConsent(db, phone, promotional);
  return { message: null, userErrors: [] };
}

/** Per-tenant SMS figures between two IST days. */
export async function smsAnalytics(ctx: SubgraphContext, from: Date, to: Date) {
  if (to < from || to.getTime() - from.getTime() > 366 * 86_400_000) throw badInput('from must not be after to, and at most 366 days apart', 'to');
  const { db } = await ctx.currentTenant();
  return analytics(db, from, to);
}

async function analytics(db: TenantPrisma, from: Date, to: Date) {
  const start = istDayStart(from);
  const end = istDayStart(addDays(to, 1));
  const f = await repo.analyticsFacts(db, start, end);
  const n = (s: string) => f.byStatus.find((b) => b.status === s)?.count ?? 0;
  const delivered = n('DELIVERED');
  const failed = n('FAILED');
  const rows = await repo.templatesWithSenders(db, f.templates.map((t) => t.templateId));
  return {
    sent: n('SENT') + delivered,
    delivered,
    failed,
    rejected: n('REJECTED'),
    deliveredRate: delivered + failed ? Math.round((delivered / (delivered + failed)) * 10_000) / 10_000 : 0,
    failuresByReason: f.reasons.map((r) => ({ reason: r.reason ?? 'unknown', count: r.count })),
    creditsByDay: f.days.map((d) => ({ day: new Date(Date.UTC(d.day.getUTCFullYear(), d.day.getUTCMonth(), d.day.getUTCDate())), credits: d.credits })),
    creditsByTemplate: f.templates.map((t) => ({ template: { ...rows.find((r) => r.id === t.templateId)!, variables: variableCount(rows.find((r) => r.id === t.templateId)!.body) }, messages: t.messages, credits: t.credits })),
  };
}
