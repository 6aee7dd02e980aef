// The only code that reads or writes the SMS tables: senders, templates, messages, consent, and the
// core database's MSG91 request ids and early delivery reports.
import type { CorePrisma, TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { clock, KEYSET_ORDER_DESC } from '@studyspot/runtime';

export type TemplateRow = NonNullable<Awaited<ReturnType<typeof findTemplate>>>;
export type MessageRow = NonNullable<Awaited<ReturnType<typeof findMessage>>>;

// Senders and templates
/** The tenant's registered DLT headers, oldest first. */
export const listSenders = (db: TenantPrisma) => db.smsSender.findMany({ orderBy: { createdAt: 'asc' }, take: 200 });
export const findSender = (db: TenantPrisma, id: string) => db.smsSender.findUnique({ where: { id } });
export const findSenderByHeader = (db: TenantPrisma, header: string) => db.smsSender.findUnique({ where: { header } });
export const sendersByIds = (db: TenantPrisma, ids: readonly string[]) => db.smsSender.findMany({ where: { id: { in: [...ids] } } });
export const createSender = (db: TenantPrisma, header: string, entityId: string | null) => db.smsSender.create({ data: { header, entityId } });

export const findTemplate = (db: TenantPrisma, id: string) => db.smsTemplate.findUnique({ where: { id } });
export const templatesByIds = (db: TenantPrisma, ids: readonly string[]) => db.smsTemplate.findMany({ where: { id: { in: [...ids] } } });
export const findTemplateAndSender = (db: TenantPrisma, id: string) => db.smsTemplate.findUnique({ where: { id }, include: { sender: true } });
export const findTemplateByDltId = (db: TenantPrisma, dltTemplateId: string) => db.smsTemplate.findUnique({ where: { dltTemplateId } });
export const listTemplates = (db: TenantPrisma) => db.smsTemplate.findMany({ orderBy: { createdAt: 'asc' }, include: { sender: true }, take: 200 });
export const templatesWithSenders = (db: TenantPrisma, ids: string[]) => db.smsTemplate.findMany({ where: { id: { in: ids } }, include: { sender: true } });
export const createTemplate = (db: TenantPrisma, data: TenantPrismaNs.SmsTemplateUncheckedCreateInput) => db.smsTemplate.create({ data });
export const setTemplateApproval = (db: TenantPrisma, id: string, approval: TenantPrismaNs.SmsTemplateUpdateInput['approval']) => db.smsTemplate.update({ where: { id }, data: { approval } });

// Consent
export const findConsent = (db: TenantPrisma, phone: string) => db.smsConsent.findUnique({ where: { phone } });
export function setConsent(db: TenantPrisma, phone: string, promotional: boolean) {
  const optedOutAt = promotional ? null : clock.now();
  return db.smsConsent.upsert({ where: { phone }, create: { phone, promotional, optedOutAt }, update: { promotional, optedOutAt } });
}

// Messages
export const findMessage = (db: TenantPrisma, id: string) => db.smsMessage.findUnique({ where: { id } });
export const messagesByIds = (db: TenantPrisma, ids: readonly string[]) => db.smsMessage.findMany({ where: { id: { in: [...ids] } } });
export const findMessageOrThrow = (db: TenantPrisma, id: string) => db.smsMessage.findUniqueOrThrow({ where: { id } });
export const findMessageWithTemplate = (db: TenantPrisma, id: string) => db.smsMessage.findUniqueOrThrow({ where: { id }, include: { template: true } });
export const findMessageByKey = (db: TenantPrisma, idempotencyKey: string) => db.smsMessage.findUnique({ where: { idempotencyKey } });
export const createMessage = (db: TenantPrisma, data: TenantPrismaNs.SmsMessageUncheckedCreateInput) => db.smsMessage.create({ data });

/** A page of messages, newest first (of one student, when given). */
export const listMessages = (db: TenantPrisma, take: number, keyset: object, studentId?: string) =>
  db.smsMessage.findMany({ where: { ...(studentId ? { studentId } : {}), ...keyset }, orderBy: KEYSET_ORDER_DESC, take });

/** Applies `data` only if the message is still QUEUED with `attempts` attempts; true when applied. */
export async function updateIfQueued(db: TenantPrisma, id: string, attempts: number, data: TenantPrismaNs.SmsMessageUpdateManyMutationInput): Promise<boolean> {
  return (await db.smsMessage.updateMany({ where: { id, status: 'QUEUED', attempts }, data })).count > 0;
}

export const updateMessage = (db: TenantPrisma, id: string, data: TenantPrismaNs.SmsMessageUpdateInput) => db.smsMessage.update({ where: { id }, data });

/** Queued messages whose time has come, oldest first (at most 500). */
export const dueMessageIds = async (db: TenantPrisma, now: Date) =>
  (await db.smsMessage.findMany({ where: { status: 'QUEUED', sendAfter: { lte: now } }, select: { id: true }, orderBy: { sendAfter: 'asc' }, take: 500 })).map((m) => m.id);

/** When the earliest queued message may go (null: none queued). */
export const nextQueuedAt = async (db: TenantPrisma) => (await db.smsMessage.findFirst({ where: { status: 'QUEUED' }, orderBy: { sendAfter: 'asc' }, select: { sendAfter: true } }))?.sendAfter ?? null;

/** Messages a delivery report names. */
export const messagesOfRequest = (db: TenantPrisma, requestId: string) => db.smsMessage.findMany({ where: { requestId }, select: { id: true, phone: true, status: true } });

/** A delivery report moves SENT messages forward only; returns how many moved. */
export async function applyReport(db: TenantPrisma, ids: string[], data: TenantPrismaNs.SmsMessageUpdateManyMutationInput): Promise<number> {
  return (await db.smsMessage.updateMany({ where: { id: { in: ids }, status: 'SENT' }, data })).count;
}

/** Whether any message was sent under this idempotency key already (automatic messages go once). */
export const keyUsed = async (db: TenantPrisma, idempotencyKey: string) => Boolean(await db.smsMessage.findUnique({ where: { idempotencyKey }, select: { id: true } }));

/** Per-tenant SMS figures between two instants, in one read each. */
export async function analyticsFacts(db: TenantPrisma, start: Date, end: Date) {
  const where = { createdAt: { gte: start, lt: end } };
  const [byStatus, reasons, days, templates] = await Promise.all([
    db.smsMessage.groupBy({ by: ['status'], where, _count: { _all: true } }),
    db.smsMessage.groupBy({ by: ['reason'], where: { ...where, status: { in: ['FAILED', 'REJECTED'] } }, _count: { _all: true }, orderBy: { _count: { reason: 'desc' } }, take: 20 }),
    db.$queryRaw<{ day: Date; credits: bigint }[]>`SELECT ((created_at AT TIME ZONE 'Asia/Kolkata')::date)::timestamp AS day, sum(credits) AS credits FROM sms_messages WHERE created_at >= ${start} AND created_at < ${end} AND status IN ('SENT', 'DELIVERED', 'FAILED') AND sent_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    db.smsMessage.groupBy({ by: ['templateId'], where: { ...where, sentAt: { not: null } }, _count: { _all: true }, _sum: { credits: true } }),
  ]);
  return {
    byStatus: byStatus.map((b) => ({ status: b.status, count: b._count._all })),
    reasons: reasons.map((r) => ({ reason: r.reason, count: r._count._all })),
    days: days.map((d) => ({ day: d.day, credits: Number(d.credits) })),
    templates: templates.map((t) => ({ templateId: t.templateId, messages: t._count._all, credits: t._sum.credits ?? 0 })),
  };
}

// MSG91 request ids and early reports (core database)
export const recordRequest = (core: CorePrisma, requestId: string, tenantId: string) => core.smsRequest.create({ data: { requestId, tenantId } });
export const requestOwners = (core: CorePrisma, requestIds: string[]) => (requestIds.length ? core.smsRequest.findMany({ where: { requestId: { in: requestIds } } }) : Promise.resolve([]));
export const requestKnown = async (core: CorePrisma, requestId: string) => Boolean(await core.smsRequest.findUnique({ where: { requestId } }));
export const keepEarlyReports = (core: CorePrisma, rows: { requestId: string; number: string; status: string; desc: string | null }[]) => core.smsPendingReport.createMany({ data: rows });
export const earlyReportsOf = (core: CorePrisma, requestId: string) => core.smsPendingReport.findMany({ where: { requestId }, orderBy: { id: 'asc' } });
export const dropEarlyReports = (core: CorePrisma, ids: bigint[]) => core.smsPendingReport.deleteMany({ where: { id: { in: ids } } });
/** Request ids with early reports older than `before` (at most 1,000). */
export const waitingEarlyReports = async (core: CorePrisma, before: Date) =>
  (await core.smsPendingReport.findMany({ where: { createdAt: { lt: before } }, select: { requestId: true }, distinct: ['requestId'], take: 1_000 })).map((w) => w.requestId);
export const dropEarlyReportsBefore = (core: CorePrisma, before: Date) => core.smsPendingReport.deleteMany({ where: { createdAt: { lt: before } } });
/** A template as the API shows it (templates.service withSender): its sender and variable count. */
export type TemplateView = TemplateRow & { variables: number; sender: NonNullable<Awaited<ReturnType<typeof findSender>>> };
