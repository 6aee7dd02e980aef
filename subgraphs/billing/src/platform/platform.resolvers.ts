// Plans, subscriptions and usage: thin resolvers over plans.service.ts and subscriptions.service.ts.
import { AppError, isPlatformRole, istToday, isUuid, type SubgraphContext } from '@studyspot/runtime';
import { saasAnalytics } from './analytics.ts';
import { buyCreditPack, payInvoiceOnline, settleInvoicePayment } from './payments.ts';
import { invoiceLink } from './invoice.router.ts';
import * as plans from './plans.service.ts';
import * as subs from './subscriptions.service.ts';
import { findInvoice, invoicesOf, versionWithPlan } from './platform.repository.ts';
import { invoiceById, planById, subscriptionById } from './references.ts';
import { platformFail, type PlatformUserError } from '../errors.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import type { Cycle } from './periods.ts';

type PlanRow = { id: string; code: string; name: string; archivedAt: Date | null };
type VersionRow = { version: number; pricePaise: number; cycle: Cycle; trialDays: number; maxLibraries: number | null; maxSeats: number | null; maxStudents: number | null; maxStaff: number | null; includedCredits: number; features: string[] };

export const planView = (p: PlanRow, v: VersionRow) => ({
  id: p.id,
  code: p.code,
  name: p.name,
  version: v.version,
  pricePaise: v.pricePaise,
  cycle: v.cycle,
  trialDays: v.trialDays,
  limits: { libraries: v.maxLibraries, seats: v.maxSeats, students: v.maxStudents, staff: v.maxStaff },
  includedCredits: v.includedCredits,
  features: v.features,
  archived: p.archivedAt !== null,
});
const latest = (p: (PlanRow & { versions: VersionRow[] }) | null) => (p ? planView(p, p.versions[0]!) : null);

type SubRow = NonNullable<Awaited<ReturnType<typeof subs.subscriptionOf>>> & { pendingPlanVersionId: string | null };
const subscriptionView = async (ctx: SubgraphContext, s: SubRow | null) => {
  if (!s) return null;
  const pending = s.pendingPlanVersionId ? await versionWithPlan(ctx.core, s.pendingPlanVersionId) : null;
  return { ...s, plan: planView(s.planVersion.plan, s.planVersion), pendingPlan: pending ? planView(pending.plan, pending) : null, tenant: { __typename: 'Tenant' as const, id: s.tenantId } };
};

/** The tenant a subscription operation is about: the caller's own, or any for platform roles. Another tenant's id is NOT_FOUND. */
function tenantFor(ctx: SubgraphContext, tenantId: string | null | undefined): string | null {
  const claims = ctx.claims!;
  if (isPlatformRole(claims.role)) {
    const id = tenantId ?? ctx.tenantId;
    if (!id) throw new AppError('BAD_USER_INPUT', 'Name the tenant: tenantId (or the X-Tenant-Id header)');
    return isUuid(id) ? id : null;
  }
  if (tenantId && tenantId !== claims.tenantId) return null;
  return ctx.requireTenant();
}

/** Reading a tenant's subscription, usage, invoices and wallet: platform readers, or the tenant's own billing managers. */
export function mayReadBilling(ctx: SubgraphContext, tenantId: string): boolean {
  const claims = ctx.claims;
  if (!claims) return false;
  if (isPlatformRole(claims.role)) return ctx.can('platform:billing:read');
  return claims.tenantId === tenantId && ctx.can('tenant:billing:settings');
}

const invoiceView = <I extends { id: string; tenantId: string }>(ctx: SubgraphContext, i: I) => ({ ...i, tenant: { __typename: 'Tenant' as const, id: i.tenantId }, pdfUrl: invoiceLink(ctx.platform, i.id).url });
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const notFound = platformFail('NOT_FOUND', 'No such tenant', 'tenantId');

/** A subscription payload with its subscription as the API shows it (a failed one has none). */
async function withSubscription(ctx: SubgraphContext, r: { userErrors: PlatformUserError[]; subscription?: SubRow | null }) {
  return { ...r, subscription: await subscriptionView(ctx, r.subscription ?? null) };
}

export const platformResolvers: Resolvers = {
  Query: {
    plans: async (_p, a, ctx) => (await plans.listPlans(ctx.core, Boolean(a.includeArchived))).map((p) => latest(p)!),
    plan: async (_p, a, ctx) => latest(await plans.planWithLatest(ctx.core, a.id)),
    platformInvoices: async (_p, a, ctx) => {
      const t = tenantFor(ctx, a.tenantId);
      if (!t) return [];
      return (await invoicesOf(ctx.core, t)).map((i) => invoiceView(ctx, i));
    },
    saasAnalytics: async (_p, a, ctx) => {
      const month = a.month ?? istToday().slice(0, 7);
      if (!MONTH.test(month)) throw new AppError('BAD_USER_INPUT', 'month must be YYYY-MM', { field: 'month' });
      return saasAnalytics(ctx.core, month);
    },
  },
  Mutation: {
    recordPlatformInvoicePayment: async (_p, a, ctx) => {
      const inv = isUuid(a.invoiceId) ? await findInvoice(ctx.core, a.invoiceId) : null;
      if (!inv) return { invoice: null, ...platformFail('NOT_FOUND', 'No such invoice', 'invoiceId') };
      if (!a.reference.trim()) return { invoice: null, ...platformFail('INVALID_INPUT', 'reference is required', 'reference') };
      if (inv.status !== 'OPEN') return { invoice: invoiceView(ctx, inv), ...platformFail('INVALID_STATE', `The invoice is ${inv.status}`) };
      const paid = await settleInvoicePayment(ctx.platform, inv.id, a.reference.trim());
      await ctx.audit({ action: 'platform_invoice.paid', tenantId: inv.tenantId, targetType: 'PlatformInvoice', targetId: inv.id, details: { reference: a.reference.trim() } });
      return { invoice: paid ? invoiceView(ctx, paid) : null, userErrors: [] };
    },
    payPlatformInvoice: async (_p, a, ctx) => {
      const t = tenantFor(ctx, null);
      if (!t) return notFound;
      const r = await payInvoiceOnline(ctx, t, a.invoiceId);
      return 'invoice' in r ? { ...r, invoice: invoiceView(ctx, r.invoice) } : r;
    },
    buyCreditPack: async (_p, a, ctx) => {
      const t = tenantFor(ctx, null);
      if (!t) return notFound;
      const r = await buyCreditPack(ctx, t, a.credits, a.idempotencyKey);
      return 'invoice' in r ? { ...r, invoice: invoiceView(ctx, r.invoice) } : r;
    },
    createPlan: async (_p, a, ctx) => {
      const r = await plans.createPlan(ctx, a.input);
      return 'plan' in r ? { ...r, plan: latest(r.plan) } : r;
    },
    revisePlan: async (_p, a, ctx) => {
      const r = await plans.revisePlan(ctx, a.id, a.input);
      return 'plan' in r ? { ...r, plan: latest(r.plan) } : r;
    },
    archivePlan: async (_p, a, ctx) => {
      const r = await plans.archivePlan(ctx, a.id);
      return 'plan' in r ? { ...r, plan: latest(r.plan) } : r;
    },
    subscribeTenant: async (_p, a, ctx) => {
      const t = tenantFor(ctx, a.tenantId);
      return t ? ctx.atTenantTime(t, async () => withSubscription(ctx, await subs.subscribe(ctx, t, a.planId, istToday()))) : notFound;
    },
    changePlan: async (_p, a, ctx) => {
      const t = tenantFor(ctx, a.tenantId);
      return t ? ctx.atTenantTime(t, async () => withSubscription(ctx, await subs.changePlan(ctx, t, a.planId, istToday()))) : notFound;
    },
    pauseSubscription: async (_p, a, ctx) => {
      const t = tenantFor(ctx, a.tenantId);
      return t ? ctx.atTenantTime(t, async () => withSubscription(ctx, await subs.pause(ctx, t, istToday()))) : notFound;
    },
    resumeSubscription: async (_p, a, ctx) => {
      const t = tenantFor(ctx, a.tenantId);
      return t ? ctx.atTenantTime(t, async () => withSubscription(ctx, await subs.resume(ctx, t, istToday()))) : notFound;
    },
    cancelSubscription: async (_p, a, ctx) => {
      const t = tenantFor(ctx, a.tenantId);
      return t ? ctx.atTenantTime(t, async () => withSubscription(ctx, await subs.cancel(ctx, t, a.atPeriodEnd ?? true))) : notFound;
    },
  },
  Plan: {
    __resolveReference: async (ref, ctx) => latest(await planById(ctx, ref.id)),
  },
  TenantSubscription: {
    __resolveReference: async (ref, ctx) => {
      const s = await subscriptionById(ctx, ref.id);
      return s && mayReadBilling(ctx, s.tenantId) ? subscriptionView(ctx, s) : null;
    },
  },
  PlatformInvoice: {
    __resolveReference: async (ref, ctx) => {
      const inv = await invoiceById(ctx, ref.id);
      return inv && mayReadBilling(ctx, inv.tenantId) ? invoiceView(ctx, inv) : null;
    },
  },
  Tenant: {
    __resolveReference: (ref) => ({ id: ref.id }),
    invoices: async (t, _a, ctx) => {
      if (!mayReadBilling(ctx, t.id)) throw new AppError('FORBIDDEN', 'Only the tenant’s owners and platform roles see its invoices');
      return (await invoicesOf(ctx.core, t.id)).map((i) => invoiceView(ctx, i));
    },
    subscription: async (t, _a, ctx) => (mayReadBilling(ctx, t.id) ? subscriptionView(ctx, await subs.subscriptionOf(ctx.core, t.id)) : null),
    usage: async (t, _a, ctx) => {
      if (!mayReadBilling(ctx, t.id)) throw new AppError('FORBIDDEN', 'Only the tenant’s owners and platform roles see its usage');
      const [usage, sub] = await Promise.all([subs.usageOf(ctx, t.id), subs.subscriptionOf(ctx.core, t.id)]);
      return { ...usage, limits: sub ? planView(sub.planVersion.plan, sub.planVersion).limits : null };
    },
  },
};
