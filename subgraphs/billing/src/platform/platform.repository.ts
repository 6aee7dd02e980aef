// The platform's side of billing in the core database: plans and their versions, subscriptions and
// invoices (entity references read by id lists, one statement per list).
import type { CorePrisma, CorePrismaNs } from '@studyspot/db';
import { isViolation, orViolation } from '@studyspot/runtime';

/** A plan with its newest version (what new subscribers get). */
const WITH_LATEST = { versions: { orderBy: { version: 'desc' as const }, take: 1 } };
/** A subscription with its plan version and plan. */
const WITH_PLAN = { planVersion: { include: { plan: true } } } as const;

export const plansByIds = (core: CorePrisma, ids: readonly string[]) =>
  core.plan.findMany({ where: { id: { in: [...ids] } }, include: WITH_LATEST });

export const subscriptionsByIds = (core: CorePrisma, ids: readonly string[]) =>
  core.tenantSubscription.findMany({ where: { id: { in: [...ids] } }, include: WITH_PLAN });

export const invoicesByIds = (core: CorePrisma, ids: readonly string[]) => core.platformInvoice.findMany({ where: { id: { in: [...ids] } } });

/** The plan with its newest version (what new subscribers get). */
export const planWithLatest = (core: CorePrisma, id: string) => core.plan.findUnique({ where: { id }, include: WITH_LATEST });
export const planByCode = (core: CorePrisma, code: string) => core.plan.findUnique({ where: { code } });
export const listPlans = (core: CorePrisma, includeArchived: boolean) =>
  core.plan.findMany({ where: includeArchived ? {} : { archivedAt: null }, include: WITH_LATEST, orderBy: { createdAt: 'asc' }, take: 100 });

export type VersionData = Omit<CorePrismaNs.PlanVersionUncheckedCreateInput, 'id' | 'planId' | 'version' | 'createdAt'>;

export const createPlan = (core: CorePrisma, code: string, name: string, version: VersionData) => core.plan.create({ data: { code, name, versions: { create: { version: 1, ...version } } } });

/** A new version of a plan (and its name), together. */
export async function revisePlan(core: CorePrisma, id: string, name: string, version: number, data: VersionData) {
  await core.$transaction([core.plan.update({ where: { id }, data: { name } }), core.planVersion.create({ data: { planId: id, version, ...data } })]);
}

export const archivePlan = (core: CorePrisma, id: string, at: Date) => core.plan.update({ where: { id }, data: { archivedAt: at } });
export const versionWithPlan = (core: CorePrisma, id: string) => core.planVersion.findUnique({ where: { id }, include: { plan: true } });

export const findInvoice = (core: CorePrisma, id: string) => core.platformInvoice.findUnique({ where: { id } });
export const invoiceByDedupeKey = (core: CorePrisma, dedupeKey: string) => core.platformInvoice.findUnique({ where: { dedupeKey } });
/** A tenant's latest 50 invoices. */
export const invoicesOf = (core: CorePrisma, tenantId: string) => core.platformInvoice.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' }, take: 50 });

/**
 * Writes an invoice with the next number of its financial year's gap-free series, in one transaction
 * (a rolled-back invoice never uses a number).
 */
export function createInvoice(core: CorePrisma, fy: string, data: (seq: number) => Omit<CorePrismaNs.PlatformInvoiceUncheckedCreateInput, 'seq' | 'number' | 'financialYear'>) {
  return core.$transaction(async (tx) => {
    const [series] = await tx.$queryRaw<{ last: number }[]>`
      INSERT INTO platform_invoice_series (financial_year, last) VALUES (${fy}, 1)
      ON CONFLICT (financial_year) DO UPDATE SET last = platform_invoice_series.last + 1 RETURNING last`;
    const seq = series!.last;
    // GST: at most 16 characters, unique in the financial year (SS/26-27/000042 is 15).
    return tx.platformInvoice.create({ data: { number: `SS/${fy}/${String(seq).padStart(6, '0')}`, financialYear: fy, seq, ...data(seq) } });
  });
}

export const subscriptionOfTenant = (core: CorePrisma, tenantId: string) => core.tenantSubscription.findUnique({ where: { tenantId }, include: WITH_PLAN });
/** Every subscription with its plan version (SaaS analytics). */
export const allSubscriptions = (core: CorePrisma) => core.tenantSubscription.findMany({ include: { planVersion: true } });

// Subscriptions
type SubWhere = CorePrismaNs.TenantSubscriptionWhereInput;
type SubChanges = CorePrismaNs.TenantSubscriptionUncheckedUpdateManyInput;

export const subscriptionById = (core: CorePrisma, id: string) => core.tenantSubscription.findUnique({ where: { id } });
export const upsertSubscription = (core: CorePrisma, tenantId: string, data: Omit<CorePrismaNs.TenantSubscriptionUncheckedCreateInput, 'tenantId'>) =>
  core.tenantSubscription.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
/** Applies `data` to the subscriptions still matching `where` (the state read); how many changed. */
export const updateSubscriptionsIf = async (core: CorePrisma, where: SubWhere, data: SubChanges) => (await core.tenantSubscription.updateMany({ where, data })).count;
export const takeCredit = (core: CorePrisma, id: string, paise: number) => core.tenantSubscription.update({ where: { id }, data: { creditPaise: { decrement: paise } } });
/** Subscriptions whose period ended by `day` (at most 500), with their plan. */
export const dueForRenewal = (core: CorePrisma, day: Date, whose: SubWhere) =>
  core.tenantSubscription.findMany({ where: { status: { in: ['TRIALING', 'ACTIVE', 'PAST_DUE'] }, currentPeriodEnd: { lte: day }, ...whose }, include: WITH_PLAN, take: 500 });
export const versionWithPlanOrThrow = (core: CorePrisma, id: string) => core.planVersion.findUniqueOrThrow({ where: { id }, include: { plan: true } });
export const latestVersionOf = (core: CorePrisma, planId: string) => core.planVersion.findFirstOrThrow({ where: { planId }, orderBy: { version: 'desc' }, include: { plan: true } });

// Invoices
export const overdueInvoices = (core: CorePrisma, day: Date, whose: CorePrismaNs.PlatformInvoiceWhereInput) =>
  core.platformInvoice.findMany({ where: { status: 'OPEN', subscriptionId: { not: null }, dueOn: { lt: day }, ...whose }, orderBy: { dueOn: 'asc' }, take: 500 });
export const openInvoicesOf = (core: CorePrisma, subscriptionId: string) => core.platformInvoice.findMany({ where: { subscriptionId, status: 'OPEN' }, select: { id: true, dueOn: true } });
export const setInvoiceDueOn = (core: CorePrisma, id: string, dueOn: Date) => core.platformInvoice.update({ where: { id }, data: { dueOn } });
/** OPEN → PAID once; false when it was paid already. */
export const markInvoicePaid = async (core: CorePrisma, id: string, reference: string, at: Date) =>
  (await core.platformInvoice.updateMany({ where: { id, status: 'OPEN' }, data: { status: 'PAID', paidAt: at, paymentRef: reference } })).count > 0;
export const countOverdueOf = (core: CorePrisma, subscriptionId: string, day: Date) => core.platformInvoice.count({ where: { subscriptionId, status: 'OPEN', dueOn: { lt: day } } });
export const invoiceByProviderOrder = (core: CorePrisma, providerOrderId: string) => core.platformInvoice.findUnique({ where: { providerOrderId } });
export const invoiceTenant = async (core: CorePrisma, id: string) => (await core.platformInvoice.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null;
/** Records the provider order of an invoice unless one was recorded first; the order id it has now. */
export async function setInvoiceOrder(core: CorePrisma, id: string, providerOrderId: string): Promise<string> {
  const set = await core.platformInvoice.updateMany({ where: { id, providerOrderId: null }, data: { providerOrderId } });
  return set.count ? providerOrderId : (await core.platformInvoice.findUniqueOrThrow({ where: { id } })).providerOrderId!;
}

// The platform's own Razorpay webhooks (de-duplicated by event id)
export const platformEventSeen = async (core: CorePrisma, eventId: string) => Boolean(await core.platformWebhookEvent.findUnique({ where: { eventId } }));
/** Records the event as being processed; false when another delivery recorded it first. */
export const claimPlatformEvent = async (core: CorePrisma, eventId: string, eventType: string) => !isViolation(await orViolation(core.platformWebhookEvent.create({ data: { eventId, eventType, outcome: 'processing' } })));
export const setPlatformEventOutcome = (core: CorePrisma, eventId: string, outcome: string) => core.platformWebhookEvent.update({ where: { eventId }, data: { outcome } });
export const forgetPlatformEvent = async (core: CorePrisma, eventId: string) => void (await core.platformWebhookEvent.deleteMany({ where: { eventId } }));
