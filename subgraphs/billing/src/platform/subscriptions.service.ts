// Tenant subscriptions: trial → active → past due → suspended or cancelled, with pause and resume.
// Upgrades take effect at once with proration (periods.ts), downgrades at the period end and only
// when usage fits the smaller plan. Every transition is conditional on the state read (two callers
// cannot both win), audited, and published on the tenant's topic. `today` is an IST day passed in,
// so tests move time without sleeping.
import type { CorePrisma } from '@studyspot/db';
import { clock, dayOf, formatDate, ports, topics, type SubgraphContext } from '@studyspot/runtime';
import { creditTenant } from '../credits/credits.service.ts';
import { issueInvoice } from './invoices.service.ts';
import { planWithLatest } from './plans.service.ts';
import { addDays, CYCLE_MONTHS, daysBetween, periodEnd, prorate, type Proration } from './periods.ts';
import * as repo from './platform.repository.ts';
import { platformFail as err } from '../errors.ts';


type Version = NonNullable<Awaited<ReturnType<typeof planWithLatest>>>['versions'][number];
export type Usage = { libraries: number; seats: number; students: number; staff: number };

export async function usageOf(ctx: SubgraphContext, tenantId: string): Promise<Usage> {
  const db = await ctx.tenantDb(tenantId);
  const [campus, staff] = await Promise.all([ports.campus.usage(db), ports.accounts.countStaff(ctx.core, tenantId)]);
  return { ...campus, staff };
}

/** What usage passes a plan version's limits, in words ("25 seats where Basic allows 20"). */
export function overLimits(usage: Usage, v: Version, planName: string): string[] {
  const limits: [keyof Usage, number | null][] = [['libraries', v.maxLibraries], ['seats', v.maxSeats], ['students', v.maxStudents], ['staff', v.maxStaff]];
  return limits.filter(([k, max]) => max != null && usage[k] > max).map(([k, max]) => `${usage[k]} ${k} where ${planName} allows ${max}`);
}

const subscriptionOf = (core: CorePrisma, tenantId: string) => repo.subscriptionOfTenant(core, tenantId);

async function announce(ctx: SubgraphContext, tenantId: string, type: string, details: Record<string, unknown>) {
  await ctx.audit({ action: `subscription.${type.toLowerCase()}`, tenantId, targetType: 'TenantSubscription', targetId: tenantId, details });
  await ctx.events.publish(topics.tenant(tenantId), { type: `SUBSCRIPTION_${type}`, tenantId, ...details });
}

/** A cycle's included credits, once per period and plan version (the key makes a repeat a no-op). */
export async function grantPlanCredits(ctx: Pick<SubgraphContext, 'core' | 'events' | 'logger'>, tenantId: string, v: Version, periodStart: string) {
  if (!v.includedCredits) return;
  const r = await creditTenant({ core: ctx.core, events: ctx.events }, { tenantId, credits: v.includedCredits, kind: 'PLAN_CREDITS', memo: `Included in the plan for the period from ${periodStart}`, idempotencyKey: `plan-credits:${tenantId}:${periodStart}:${v.id}` });
  if ('error' in r) ctx.logger.error({ tenantId, credits: v.includedCredits }, `plan credits not granted: ${r.message}`);
}

export async function subscribe(ctx: SubgraphContext, tenantId: string, planId: string, today: string) {
  const plan = await planWithLatest(ctx.core, planId);
  if (!plan || plan.archivedAt) return err('NOT_FOUND', 'No such plan', 'planId');
  const existing = await subscriptionOf(ctx.core, tenantId);
  if (existing && existing.status !== 'CANCELLED') return err('INVALID_STATE', `The tenant already has a ${existing.status.toLowerCase()} subscription: use changePlan`);
  const v = plan.versions[0]!;
  const over = overLimits(await usageOf(ctx, tenantId), v, plan.name);
  if (over.length) return err('PLAN_LIMIT_REACHED', `The tenant uses more than this plan allows: ${over.join('; ')}`, 'planId');
  const trial = v.trialDays > 0;
  const end = trial ? addDays(today, v.trialDays) : periodEnd(today, v.cycle);
  const data = {
    planVersionId: v.id,
    status: trial ? ('TRIALING' as const) : ('ACTIVE' as const),
    currentPeriodStart: dayOf(today),
    currentPeriodEnd: dayOf(end),
    trialEndsAt: trial ? dayOf(end) : null,
    cancelAtPeriodEnd: false,
    pendingPlanVersionId: null,
    pausedAt: null,
    pausedFrom: null,
    failedRenewals: 0,
    nextRetryAt: null,
    cancelledAt: null,
  };
  const row = await repo.upsertSubscription(ctx.core, tenantId, data);
  await ports.tenants.setPlan(ctx.core, tenantId, plan.id);
  // A paid start bills its first period, due today.
  if (!trial && v.pricePaise > 0) {
    await issueInvoice(ctx.platform, { tenantId, subscriptionId: row.id, kind: 'SUBSCRIPTION', dedupeKey: `subscription:${row.id}:${today}`, lines: [{ label: `${plan.name} plan, ${today} to ${addDays(end, -1)}`, amountPaise: v.pricePaise }], issuedOn: today, dueOn: today, periodStart: today, periodEnd: end });
  }
  await grantPlanCredits(ctx, tenantId, v, today);
  await announce(ctx, tenantId, trial ? 'TRIAL_STARTED' : 'STARTED', { plan: plan.code, version: v.version, periodEnd: end });
  return { subscription: await subscriptionOf(ctx.core, tenantId), userErrors: [] };
}

/** Price per month of a version, to tell an upgrade from a downgrade across cycles. */
const monthly = (v: Version) => v.pricePaise / CYCLE_MONTHS[v.cycle];

export async function changePlan(ctx: SubgraphContext, tenantId: string, planId: string, today: string) {
  const sub = await subscriptionOf(ctx.core, tenantId);
  if (!sub) return err('NOT_FOUND', 'The tenant has no subscription: subscribeTenant first');
  if (!['TRIALING', 'ACTIVE', 'PAST_DUE'].includes(sub.status)) return err('INVALID_STATE', `Not possible while the subscription is ${sub.status}`);
  const plan = await planWithLatest(ctx.core, planId);
  if (!plan || plan.archivedAt) return err('NOT_FOUND', 'No such plan', 'planId');
  const next = plan.versions[0]!;
  const cur = sub.planVersion;
  if (next.id === cur.id) return err('INVALID_STATE', 'The tenant is on this plan already', 'planId');
  const over = overLimits(await usageOf(ctx, tenantId), next, plan.name);
  if (over.length) return err('PLAN_LIMIT_REACHED', `The tenant uses more than ${plan.name} allows: ${over.join('; ')}. Remove some first.`, 'planId');
  const from = { status: sub.status, planVersionId: cur.id };

  // During a trial nothing was paid: the new plan simply applies (its trial continues).
  if (sub.status === 'TRIALING') {
    const done = await repo.updateSubscriptionsIf(ctx.core, { tenantId, ...from }, { planVersionId: next.id, pendingPlanVersionId: null });
    if (done !== 1) return err('INVALID_STATE', 'The subscription changed meanwhile; try again');
    await ports.tenants.setPlan(ctx.core, tenantId, plan.id);
    await announce(ctx, tenantId, 'PLAN_CHANGED', { plan: plan.code, version: next.version, effective: 'NOW', netPaise: 0 });
    return { subscription: await subscriptionOf(ctx.core, tenantId), change: { effective: 'NOW', creditPaise: 0, chargePaise: 0, netPaise: 0, remainingDays: 0, periodDays: 0 }, userErrors: [] };
  }

  if (monthly(next) <= monthly(cur)) {
    // A downgrade waits for the period end (what was paid for stays).
    const done = await repo.updateSubscriptionsIf(ctx.core, { tenantId, ...from }, { pendingPlanVersionId: next.id });
    if (done !== 1) return err('INVALID_STATE', 'The subscription changed meanwhile; try again');
    await announce(ctx, tenantId, 'DOWNGRADE_SCHEDULED', { plan: plan.code, version: next.version, effective: formatDate(sub.currentPeriodEnd) });
    return { subscription: await subscriptionOf(ctx.core, tenantId), change: { effective: 'PERIOD_END', creditPaise: 0, chargePaise: 0, netPaise: 0, remainingDays: 0, periodDays: 0 }, userErrors: [] };
  }

  const p: Proration = prorate({ oldPricePaise: cur.pricePaise, oldCycle: cur.cycle, newPricePaise: next.pricePaise, newCycle: next.cycle, periodStart: formatDate(sub.currentPeriodStart), periodEnd: formatDate(sub.currentPeriodEnd), today });
  const done = await repo.updateSubscriptionsIf(
    ctx.core,
    { tenantId, ...from },
    { planVersionId: next.id, pendingPlanVersionId: null, currentPeriodStart: dayOf(p.periodStart), currentPeriodEnd: dayOf(p.periodEnd), creditPaise: { increment: Math.max(0, -p.netPaise) } },
  );
  if (done !== 1) return err('INVALID_STATE', 'The subscription changed meanwhile; try again');
  await ports.tenants.setPlan(ctx.core, tenantId, plan.id);
  // The proration is billed at once: the new plan for the days left, less the old plan's unused days.
  if (p.netPaise > 0) {
    await issueInvoice(ctx.platform, {
      tenantId,
      subscriptionId: sub.id,
      kind: 'UPGRADE',
      dedupeKey: `upgrade:${sub.id}:${today}:${next.id}`,
      lines: [
        { label: `${plan.name} plan, ${p.remainingDays} of ${p.periodDays} days (${today} to ${addDays(p.periodEnd, -1)})`, amountPaise: p.chargePaise },
        { label: `Unused ${sub.planVersion.plan.name} plan, ${p.remainingDays} days`, amountPaise: -p.creditPaise },
      ],
      issuedOn: today,
      dueOn: today,
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
    });
  }
  await announce(ctx, tenantId, 'PLAN_CHANGED', { plan: plan.code, version: next.version, effective: 'NOW', creditPaise: p.creditPaise, chargePaise: p.chargePaise, netPaise: p.netPaise });
  return { subscription: await subscriptionOf(ctx.core, tenantId), change: { effective: 'NOW', ...p }, userErrors: [] };
}

async function move(ctx: SubgraphContext, tenantId: string, from: string[], data: Parameters<typeof repo.updateSubscriptionsIf>[2], event: string, details: Record<string, unknown> = {}) {
  const sub = await subscriptionOf(ctx.core, tenantId);
  if (!sub) return err('NOT_FOUND', 'The tenant has no subscription');
  if (!from.includes(sub.status)) return err('INVALID_STATE', `Not possible while the subscription is ${sub.status}`);
  const done = await repo.updateSubscriptionsIf(ctx.core, { tenantId, status: sub.status }, data);
  if (done !== 1) return err('INVALID_STATE', 'The subscription changed meanwhile; try again');
  await announce(ctx, tenantId, event, { from: sub.status, ...details });
  return { subscription: await subscriptionOf(ctx.core, tenantId), userErrors: [] };
}

/**
 * Pause and resume (the rule per state):
 * - A pause is possible from TRIALING, ACTIVE and PAST_DUE; it remembers that state and the day.
 * - While paused, time stands still for the subscription: no renewal, no trial end, no dunning step.
 * - A resume returns to the state the pause left, with every date of the subscription (period end,
 *   trial end, next dunning retry) moved later by the days it was paused. So a trial keeps its
 *   remaining days; a past-due subscription stays past due with the rest of its dunning schedule; an
 *   active one finishes the period it paid for and renews (with its invoice) at the moved period end.
 * - A resume never starts a period: periods start only at renewal, with their invoice, and the plan's
 *   credits come once per billed period (keyed by its start), never on a resume.
 */
export async function pause(ctx: SubgraphContext, tenantId: string, today: string) {
  const sub = await subscriptionOf(ctx.core, tenantId);
  if (!sub) return err('NOT_FOUND', 'The tenant has no subscription');
  if (!['TRIALING', 'ACTIVE', 'PAST_DUE'].includes(sub.status)) return err('INVALID_STATE', `Not possible while the subscription is ${sub.status}`);
  return move(ctx, tenantId, [sub.status], { status: 'PAUSED', pausedAt: dayOf(today), pausedFrom: sub.status }, 'PAUSED');
}

export async function resume(ctx: SubgraphContext, tenantId: string, today: string) {
  const sub = await subscriptionOf(ctx.core, tenantId);
  if (!sub) return err('NOT_FOUND', 'The tenant has no subscription');
  if (sub.status !== 'PAUSED') return err('INVALID_STATE', `Not possible while the subscription is ${sub.status}`);
  const paused = sub.pausedAt ? Math.max(0, daysBetween(formatDate(sub.pausedAt), today)) : 0;
  const later = (d: Date | null) => (d ? dayOf(addDays(formatDate(d), paused)) : null);
  // Dunning counts days from an invoice's due day: the open invoices' due days move with the pause,
  // so the schedule goes on where it stood (before the state changes: a crash in between moves them
  // again on the next resume only if the subscription is still paused).
  if (paused && sub.pausedFrom === 'PAST_DUE') {
    for (const inv of await repo.openInvoicesOf(ctx.core, sub.id)) await repo.setInvoiceDueOn(ctx.core, inv.id, later(inv.dueOn)!);
  }
  return move(ctx, tenantId, ['PAUSED'], {
    status: sub.pausedFrom ?? 'ACTIVE',
    pausedAt: null,
    pausedFrom: null,
    currentPeriodEnd: later(sub.currentPeriodEnd)!,
    trialEndsAt: later(sub.trialEndsAt),
    nextRetryAt: later(sub.nextRetryAt),
  }, 'RESUMED', { pausedDays: paused });
}

export const cancel = (ctx: SubgraphContext, tenantId: string, atPeriodEnd: boolean) =>
  atPeriodEnd
    ? move(ctx, tenantId, ['TRIALING', 'ACTIVE', 'PAST_DUE', 'PAUSED'], { cancelAtPeriodEnd: true }, 'CANCEL_SCHEDULED')
    : move(ctx, tenantId, ['TRIALING', 'ACTIVE', 'PAST_DUE', 'PAUSED', 'SUSPENDED'], { status: 'CANCELLED', cancelledAt: clock.now(), cancelAtPeriodEnd: false, pendingPlanVersionId: null }, 'CANCELLED');

export { subscriptionOf };
