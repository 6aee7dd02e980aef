// DLT registry, sending and history: thin resolvers over sms.service.ts and the tenant database.
import type { TenantPrisma } from '@studyspot/db';
import { clock, badInput, DateScalar, isUuid, normalizeIndianMobile, paginate, KEYSET_ORDER_DESC, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { variableCount } from './dlt.ts';
import { listSenders } from './sms.repository.ts';
import { sendSms, type SendInput } from './sms.service.ts';

const fail = (code: string, message: string, ...field: string[]) => ({ userErrors: [{ code, message, ...(field.length ? { field } : {}) }] });
const tenant = async (ctx: SubgraphContext) => {
  const tenantId = ctx.requireTenant();
  return { tenantId, db: await ctx.tenantDb(tenantId) };
};
type TemplateRow = { id: string; body: string; senderId: string };
const withSender = async (ctx: SubgraphContext, t: TemplateRow | null) => {
  if (!t) return null;
  const { db } = await tenant(ctx);
  return { ...t, variables: variableCount(t.body), sender: await db.smsSender.findUnique({ where: { id: t.senderId } }) };
};

export const smsResolvers: Resolvers = {
  Date: DateScalar,
  Query: {
    smsAnalytics: async (_p, a: { from: Date; to: Date }, ctx) => {
      if (a.to < a.from || a.to.getTime() - a.from.getTime() > 366 * 86_400_000) throw badInput('from must not be after to, and at most 366 days apart', 'to');
      const { db } = await tenant(ctx);
      return smsAnalytics(db, a.from, a.to);
    },
    smsTemplates: async (_p, _a, ctx) => {
      const { db } = await tenant(ctx);
      const rows = await db.smsTemplate.findMany({ orderBy: { createdAt: 'asc' }, include: { sender: true }, take: 200 });
      return rows.map((t) => ({ ...t, variables: variableCount(t.body) }));
    },
    smsSenders: async (_p, _a, ctx) => {
      const { db } = await tenant(ctx);
      return listSenders(db);
    },
    smsMessages: async (_p, a: ConnectionArgs & { studentId?: string | null }, ctx) => {
      const { db } = await tenant(ctx);
      const where = a.studentId ? { studentId: isUuid(a.studentId) ? a.studentId : '00000000-0000-0000-0000-000000000000' } : {};
      return paginate(a, (take, keyset) => db.smsMessage.findMany({ where: { ...where, ...keyset }, orderBy: KEYSET_ORDER_DESC, take }), 'desc');
    },
  },
  Mutation: {
    createSmsSender: async (_p, a: { header: string; entityId?: string | null }, ctx) => {
      const { db } = await tenant(ctx);
      const header = a.header.trim().toUpperCase();
      if (!/^[A-Z]{6}$/.test(header)) return fail('INVALID_INPUT', 'A DLT header is six letters', 'header');
      if (await db.smsSender.findUnique({ where: { header } })) return fail('DUPLICATE', `${header} is registered already`, 'header');
      const sender = await db.smsSender.create({ data: { header, entityId: a.entityId?.trim() || null } });
      await ctx.audit({ action: 'sms.sender.create', targetType: 'SmsSender', targetId: sender.id, details: { header } });
      return { sender, userErrors: [] };
    },
    createSmsTemplate: async (_p, a: { input: { name: string; senderId: string; dltTemplateId: string; msg91TemplateId: string; category: string; body: string } }, ctx) => {
      const { db } = await tenant(ctx);
      const i = a.input;
      if (!i.name.trim() || !i.dltTemplateId.trim() || !i.msg91TemplateId.trim() || !i.body.trim()) return fail('INVALID_INPUT', 'name, dltTemplateId, msg91TemplateId and body are required', 'input');
      const sender = isUuid(i.senderId) ? await db.smsSender.findUnique({ where: { id: i.senderId } }) : null;
      if (!sender) return fail('NOT_FOUND', 'No such sender', 'input', 'senderId');
      if (await db.smsTemplate.findUnique({ where: { dltTemplateId: i.dltTemplateId.trim() } })) return fail('DUPLICATE', 'This DLT template id is registered already', 'input', 'dltTemplateId');
      const t = await db.smsTemplate.create({ data: { name: i.name.trim(), senderId: sender.id, dltTemplateId: i.dltTemplateId.trim(), msg91TemplateId: i.msg91TemplateId.trim(), category: i.category as never, body: i.body.trim() } });
      await ctx.audit({ action: 'sms.template.create', targetType: 'SmsTemplate', targetId: t.id, details: { dltTemplateId: t.dltTemplateId, category: t.category } });
      return { template: await withSender(ctx, t), userErrors: [] };
    },
    setSmsTemplateApproval: async (_p, a: { id: string; approval: string }, ctx) => {
      const { db } = await tenant(ctx);
      const t = isUuid(a.id) ? await db.smsTemplate.findUnique({ where: { id: a.id } }) : null;
      if (!t) return fail('NOT_FOUND', 'No such template', 'id');
      const updated = await db.smsTemplate.update({ where: { id: t.id }, data: { approval: a.approval as never } });
      await ctx.audit({ action: 'sms.template.approval', targetType: 'SmsTemplate', targetId: t.id, details: { from: t.approval, to: a.approval } });
      return { template: await withSender(ctx, updated), userErrors: [] };
    },
    sendSms: async (_p, a: { input: SendInput }, ctx) => {
      const { tenantId, db } = await tenant(ctx);
      return sendSms(ctx, tenantId, db, a.input);
    },
    setSmsConsent: async (_p, a: { phone: string; promotional: boolean }, ctx) => {
      const { db } = await tenant(ctx);
      const phone = normalizeIndianMobile(a.phone);
      if (!phone) return fail('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone');
      await db.smsConsent.upsert({ where: { phone }, create: { phone, promotional: a.promotional, optedOutAt: a.promotional ? null : clock.now() }, update: { promotional: a.promotional, optedOutAt: a.promotional ? null : clock.now() } });
      return { message: null, userErrors: [] };
    },
  },
  Student: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    messages: async (st: { id: string }, a: ConnectionArgs, ctx) => {
      ctx.authorize('tenant:notifications:read');
      const { db } = await tenant(ctx);
      if (!isUuid(st.id)) return paginate(a, async () => []);
      return paginate(a, (take, keyset) => db.smsMessage.findMany({ where: { studentId: st.id, ...keyset }, orderBy: KEYSET_ORDER_DESC, take }), 'desc');
    },
  },
  SmsTemplate: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      ctx.authorize('tenant:notifications:read');
      const { db } = await tenant(ctx);
      return withSender(ctx, isUuid(ref.id) ? await db.smsTemplate.findUnique({ where: { id: ref.id } }) : null);
    },
  },
  SmsMessage: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      ctx.authorize('tenant:notifications:read');
      const { db } = await tenant(ctx);
      return isUuid(ref.id) ? db.smsMessage.findUnique({ where: { id: ref.id } }) : null;
    },
    student: (m: { studentId: string | null }) => (m.studentId ? { __typename: 'Student', id: m.studentId } : null),
    template: async (m: { templateId: string }, _a, ctx) => {
      const { db } = await tenant(ctx);
      return withSender(ctx, await db.smsTemplate.findUnique({ where: { id: m.templateId } }));
    },
  },
};

/** Per-tenant SMS figures between two IST days. */
export async function smsAnalytics(db: TenantPrisma, from: Date, to: Date) {
  const start = new Date(from.getTime() - 330 * 60_000);
  const end = new Date(to.getTime() + 86_400_000 - 330 * 60_000);
  const where = { createdAt: { gte: start, lt: end } };
  const [byStatus, reasons, days, templates] = await Promise.all([
    db.smsMessage.groupBy({ by: ['status'], where, _count: { _all: true } }),
    db.smsMessage.groupBy({ by: ['reason'], where: { ...where, status: { in: ['FAILED', 'REJECTED'] } }, _count: { _all: true }, orderBy: { _count: { reason: 'desc' } }, take: 20 }),
    db.$queryRaw<{ day: Date; credits: bigint }[]>`SELECT ((created_at AT TIME ZONE 'Asia/Kolkata')::date)::timestamp AS day, sum(credits) AS credits FROM sms_messages WHERE created_at >= ${start} AND created_at < ${end} AND status IN ('SENT', 'DELIVERED', 'FAILED') AND sent_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    db.smsMessage.groupBy({ by: ['templateId'], where: { ...where, sentAt: { not: null } }, _count: { _all: true }, _sum: { credits: true } }),
  ]);
  const n = (s: string) => byStatus.find((b) => b.status === s)?._count._all ?? 0;
  const delivered = n('DELIVERED');
  const failed = n('FAILED');
  const rows = await db.smsTemplate.findMany({ where: { id: { in: templates.map((t) => t.templateId) } }, include: { sender: true } });
  return {
    sent: n('SENT') + delivered,
    delivered,
    failed,
    rejected: n('REJECTED'),
    deliveredRate: delivered + failed ? Math.round((delivered / (delivered + failed)) * 10_000) / 10_000 : 0,
    failuresByReason: reasons.map((r) => ({ reason: r.reason ?? 'unknown', count: r._count._all })),
    creditsByDay: days.map((d) => ({ day: new Date(Date.UTC(d.day.getUTCFullYear(), d.day.getUTCMonth(), d.day.getUTCDate())), credits: Number(d.credits) })),
    creditsByTemplate: templates.map((t) => ({ template: { ...rows.find((r) => r.id === t.templateId)!, variables: variableCount(rows.find((r) => r.id === t.templateId)!.body) }, messages: t._count._all, credits: t._sum.credits ?? 0 })),
  };
}
