// Renewals and dunning, as a job of `today` (an IST day passed in: tests move time without sleeping).
// - A trial that ended, or a period that ended, renews: the next period starts where the last ended,
//   on the pending downgrade or the plan's newest version (a price change applies here), with an
//   invoice due that day and the plan's credits for the period. `cancelAtPeriodEnd` ends it instead.
// - An invoice still open after its due day is retried on days 1, 3 and 7 after it (PAST_DUE, an event
//   each time); after the last, the subscription and the tenant are suspended (tenancy's
//   suspension: its users are refused everywhere). Paying it restores both.
// Each step is conditional on the state read and invoices are de-duplicated by subscription and
// period, so two jobs running at once bill once.
import type { Platform } from '@studyspot/runtime';
import { clock, dayOf, formatDate, ports, systemContext, topics } from '@studyspot/runtime';
import { issueInvoice } from './invoices.service.ts';
import { addDays, daysBetween, periodEnd } from './periods.ts';
import { grantPlanCredits } from './subscriptions.service.ts';
import * as repo from './platform.repository.ts';

export const RETRY_DAYS = [1, 3, 7];

export interface RenewalReport {
  renewed: number;
  cancelled: number;
  retried: number;
  suspended: number;
}

async function publish(platform: Platform, tenantId: string, type: string, details: Record<string, unknown>) {
  // The renewals job, not an account, did it (the audit log is written through the runtime).
  await systemContext(platform, 'platform billing', tenantId).audit({ action: `subscription.${type.toLowerCase()}`, tenantId, targetType: 'TenantSubscription', targetId: tenantId, details, actor: null });
  await platform.events.publish(topics.tenant(tenantId), { type: `SUBSCRIPTION_${type}`, tenantId, ...details });
}

/**
 * Renewals and dunning on `today`: of the given tenants (a test clock advancing), or else of every
 * tenant not on a test clock (their days pass only when their clock is advanced).
 */
export async function renewSubscriptions(platform: Platform, today: string, tenantIds?: string[]): Promise<RenewalReport> {
  const core = platform.core;
  const report: RenewalReport = { renewed: 0, cancelled: 0, retried: 0, suspended: 0 };
  const ctxLike = { core, events: platform.events, logger: platform.logger };
  const onClocks = tenantIds ? [] : await ports.tenants.onTestClocks(core);
  const whose = tenantIds ? { tenantId: { in: tenantIds } } : onClocks.length ? { tenantId: { notIn: onClocks } } : {};

  const due = await repo.dueForRenewal(core, dayOf(today), whose);
  for (const sub of due) {
    const end = formatDate(sub.currentPeriodEnd);
    if (sub.cancelAtPeriodEnd) {
      const done = await repo.updateSubscriptionsIf(core, { id: sub.id, currentPeriodEnd: sub.currentPeriodEnd, status: sub.status }, { status: 'CANCELLED', cancelledAt: clock.now(), cancelAtPeriodEnd: false });
      if (done) {
        report.cancelled++;
        await publish(platform, sub.tenantId, 'CANCELLED', { from: sub.status, at: end });
      }
      continue;
    }
    const next = sub.pendingPlanVersionId
      ? await repo.versionWithPlanOrThrow(core, sub.pendingPlanVersionId)
      : await repo.latestVersionOf(core, sub.planVersion.planId);
    const start = end;
    const nextEnd = periodEnd(start, next.cycle);
    // Conditional on the period read: a second job at the same time moves nothing and bills nothing.
    const moved = await repo.updateSubscriptionsIf(
      core,
      { id: sub.id, currentPeriodEnd: sub.currentPeriodEnd },
      { planVersionId: next.id, pendingPlanVersionId: null, status: sub.status === 'PAST_DUE' ? 'PAST_DUE' : 'ACTIVE', currentPeriodStart: dayOf(start), currentPeriodEnd: dayOf(nextEnd), trialEndsAt: null },
    );
    if (!moved) continue;
    const credit = Math.min(sub.creditPaise, next.pricePaise);
    const lines = [{ label: `${next.plan.name} plan, ${start} to ${addDays(nextEnd, -1)}`, amountPaise: next.pricePaise }, ...(credit ? [{ label: 'Credit from an earlier change', amountPaise: -credit }] : [])];
    if (next.pricePaise - credit > 0) {
      await issueInvoice(platform, { tenantId: sub.tenantId, subscriptionId: sub.id, kind: 'SUBSCRIPTION', dedupeKey: `subscription:${sub.id}:${start}`, lines, issuedOn: today, dueOn: start, periodStart: start, periodEnd: nextEnd });
    }
    if (credit) await repo.takeCredit(core, sub.id, credit);
    await grantPlanCredits(ctxLike, sub.tenantId, next, start);
    report.renewed++;
    await publish(platform, sub.tenantId, sub.status === 'TRIALING' ? 'TRIAL_CONVERTED' : 'RENEWED', { plan: next.plan.code, version: next.version, periodStart: start, periodEnd: nextEnd });
  }

  // Dunning: open invoices past their due day.
  const overdue = await repo.overdueInvoices(core, dayOf(today), whose);
  for (const inv of overdue) {
    const sub = await repo.subscriptionById(core, inv.subscriptionId!);
    if (!sub || sub.status === 'CANCELLED' || sub.status === 'SUSPENDED' || sub.status === 'PAUSED') continue;
    const late = daysBetween(formatDate(inv.dueOn), today);
    const attemptsDue = RETRY_DAYS.filter((d) => d <= late).length;
    if (attemptsDue <= sub.failedRenewals) continue;
    if (attemptsDue < RETRY_DAYS.length) {
      const next = RETRY_DAYS[attemptsDue]!;
      const done = await repo.updateSubscriptionsIf(core, { id: sub.id, failedRenewals: sub.failedRenewals }, { status: 'PAST_DUE', failedRenewals: attemptsDue, nextRetryAt: dayOf(addDays(formatDate(inv.dueOn), next)) });
      if (done) {
        report.retried++;
        await publish(platform, sub.tenantId, 'PAYMENT_FAILED', { invoice: inv.number, attempt: attemptsDue, nextRetry: addDays(formatDate(inv.dueOn), next) });
      }
      continue;
    }
    // The last retry failed: suspend the subscription and the tenant.
    const done = await repo.updateSubscriptionsIf(core, { id: sub.id, failedRenewals: sub.failedRenewals }, { status: 'SUSPENDED', failedRenewals: attemptsDue, nextRetryAt: null });
    if (!done) continue;
    if (await ports.tenants.suspendForUnpaid(core, sub.tenantId, `Unpaid invoice ${inv.number}`)) {
      platform.tenants.invalidate(sub.tenantId);
      await platform.events.publish(topics.tenants, { type: 'TENANT_STATUS_CHANGED', tenantId: sub.tenantId, status: 'SUSPENDED' });
    }
    report.suspended++;
    await publish(platform, sub.tenantId, 'SUSPENDED', { invoice: inv.number });
  }
  return report;
}

/**
 * An invoice paid (through the gateway, or recorded by a platform admin): the subscription is
 * current again when nothing else is overdue, and a tenant suspended for non-payment is restored.
 */
export async function invoicePaid(platform: Platform, invoiceId: string, reference: string, today: string) {
  const core = platform.core;
  const paid = await repo.markInvoicePaid(core, invoiceId, reference, clock.now());
  const inv = await repo.findInvoice(core, invoiceId);
  if (!inv || !paid || !inv.subscriptionId) return inv;
  const stillOverdue = await repo.countOverdueOf(core, inv.subscriptionId, dayOf(today));
  if (stillOverdue) return inv;
  const sub = await repo.subscriptionById(core, inv.subscriptionId);
  // Paid while paused: the resume returns to a current subscription.
  if (sub?.status === 'PAUSED' && sub.pausedFrom === 'PAST_DUE') await repo.updateSubscriptionsIf(core, { id: sub.id, status: 'PAUSED' }, { pausedFrom: 'ACTIVE', failedRenewals: 0, nextRetryAt: null });
  if (!sub || !['PAST_DUE', 'SUSPENDED'].includes(sub.status)) return inv;
  await repo.updateSubscriptionsIf(core, { id: sub.id, status: sub.status }, { status: 'ACTIVE', failedRenewals: 0, nextRetryAt: null });
  if (sub.status === 'SUSPENDED') {
    if (await ports.tenants.reactivateAfterPayment(core, sub.tenantId)) {
      platform.tenants.invalidate(sub.tenantId);
      await platform.events.publish(topics.tenants, { type: 'TENANT_STATUS_CHANGED', tenantId: sub.tenantId, status: 'ACTIVE' });
    }
  }
  await publish(platform, sub.tenantId, 'RESTORED', { invoice: inv.number, from: sub.status });
  return inv;
}
