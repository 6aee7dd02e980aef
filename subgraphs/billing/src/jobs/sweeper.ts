// Billing's background work, in the tenants whose billing work is due (work-driven: runtime work.ts):
// - reconciliation: orders still unpaid after RECONCILE_AFTER_MINUTES are asked about at their
//   gateway: captured money is settled, an order past its expiry with none is EXPIRED;
// - overdue dues are announced once and charged the tenant's late fee;
// - dues of allocations changed lately are synced again (repairs a sync that failed after a change);
// - advances whose period has begun get their tax invoice (receipts/supply-invoices.service.ts);
// - platform billing: subscriptions renew, open invoices are dunned, credit holds nobody settled are
//   released (platform/renewals.ts).
import type { TenantPrisma } from '@studyspot/db';
import { clock, istDay, istDayStart, istToday, ports, systemContext, type Platform } from '@studyspot/runtime';
import { earliest, nextDailyRun, registerDailyWork, registerTenantWork, runDueWork, startPeriodic } from '@studyspot/runtime/work';
import { chargeOverdue } from '../dues/dues.service.ts';
import { resyncDues } from '../dues/dues.sync.ts';
import { clientFor } from '../providers/accounts.ts';
import type { Provider } from '../providers/provider.ts';
import { failOrder, settleOrder } from '../payments/settle.ts';
import { releaseExpired } from '../credits/credits.service.ts';
import { renewSubscriptions, type RenewalReport } from '../platform/renewals.ts';
import { anyOpenDue } from '../dues/dues.repository.ts';
import { issueSupplyInvoices } from '../receipts/supply-invoices.service.ts';
import { nextAdvanceStart } from '../receipts/supply-invoices.repository.ts';
import { findAccount } from '../providers/providers.repository.ts';
import { expireOrder, oldestOpenOrderAt, staleOrders } from '../payments/payments.repository.ts';

export interface SweepReport {
  tenants: number;
  settled: number;
  expired: number;
  overdue: number;
  lateFeesPaise: number;
  resynced: number;
  /** Tax invoices issued for advances whose period began. */
  supplyInvoices?: number;
  renewals?: RenewalReport;
  releasedHolds?: number;
}

export async function reconcileOrders(platform: Platform, tenantId: string, db: TenantPrisma, now = clock.now()): Promise<{ settled: number; expired: number }> {
  const cutoff = new Date(now.getTime() - platform.config.payments.reconcileAfterMinutes * 60_000);
  const stale = await staleOrders(db, cutoff);
  let settled = 0;
  let expired = 0;
  for (const order of stale) {
    const account = await findAccount(db, order.provider);
    if (!account) continue;
    try {
      const payments = await clientFor(platform, account).orderPayments(order.providerOrderId);
      const captured = payments.find((p) => p.status === 'captured');
      if (captured) {
        if ((await settleOrder(platform, tenantId, db, { orderId: order.id }, captured)).outcome === 'settled') settled++;
        continue;
      }
      if (payments.some((p) => p.status === 'failed')) await failOrder(platform, tenantId, db, { provider: order.provider as Provider, providerOrderId: order.providerOrderId }, 'failed at the gateway (reconciliation)');
      if (order.expiresAt <= now) {
        if (await expireOrder(db, order.id)) expired++;
      }
    } catch (err) {
      platform.logger.warn({ tenantId, orderId: order.id, err: (err as Error).message }, 'reconciliation could not ask the gateway');
    }
  }
  return { settled, expired };
}

const REPAIR_WINDOW_MS = 2 * 86_400_000;
const MIN_GAP_MS = 5 * 60_000;

/**
 * One tenant's due billing work; returns when its next is due: the next stale order to ask about, the
 * next IST day while dues are open (they turn overdue, late fees grow), a repair pass while allocations
 * changed lately — never sooner than 5 minutes from now.
 */
async function billingWork(platform: Platform, tenantId: string, now: Date, report: SweepReport): Promise<Date | null> {
  const ctx = systemContext(platform, 'billing sweep', tenantId, `billing-sweep-${now.getTime()}`);
  try {
    const db = await ctx.tenantDb(tenantId);
    const r = await reconcileOrders(platform, tenantId, db, now);
    report.settled += r.settled;
    report.expired += r.expired;
    const recent = await ports.campus.allocationsChangedSince(db, new Date(now.getTime() - REPAIR_WINDOW_MS));
    for (const a of recent) {
      const { created } = await resyncDues(db, a.id);
      report.resynced += created.length;
    }
    const o = await chargeOverdue(db, tenantId, (topic, p) => platform.events.publish(topic, p), istDay(now));
    report.overdue += o.overdue;
    report.lateFeesPaise += o.lateFeesPaise;
    report.supplyInvoices = (report.supplyInvoices ?? 0) + (await issueSupplyInvoices(db, istDay(now)));

    const reconcileMs = platform.config.payments.reconcileAfterMinutes * 60_000;
    const [orderAt, due, advance] = await Promise.all([oldestOpenOrderAt(db), anyOpenDue(db), nextAdvanceStart(db, istDay(now))]);
    const lastChange = recent.reduce<Date | null>((m, a) => (!m || a.updatedAt > m ? a.updatedAt : m), null);
    const next = earliest(
      orderAt && new Date(orderAt.getTime() + reconcileMs),
      due ? nextDailyRun(tenantId, now) : null,
      advance && istDayStart(advance),
      lastChange && new Date(Math.min(lastChange.getTime() + REPAIR_WINDOW_MS, now.getTime() + 6 * 3_600_000)),
    );
    return next && new Date(Math.max(next.getTime(), now.getTime() + MIN_GAP_MS));
  } finally {
    await ctx.dispose();
  }
}

/**
 * Billing's background work: tenants whose billing work is due (runtime work.ts: a payment order, a
 * dues sync, or the sweep itself records when), then the platform's own (renewals, dunning, credit
 * holds), which are queries on the core database by date.
 */
export async function billingSweepOnce(platform: Platform, now?: Date): Promise<SweepReport & { failed: number }> {
  const report: SweepReport = { tenants: 0, settled: 0, expired: 0, overdue: 0, lateFeesPaise: 0, resynced: 0 };
  const r = await runDueWork(platform, 'billing', (tenantId, at) => billingWork(platform, tenantId, now ?? at, report), {}, now ? () => now : undefined);
  const at = now ?? clock.now();
  try {
    report.renewals = await renewSubscriptions(platform, istToday(at));
    report.releasedHolds = await releaseExpired({ core: platform.core, events: platform.events }, at);
  } catch (err) {
    platform.logger.error({ err }, 'platform billing sweep failed');
  }
  return { ...report, ...r };
}

// A test clock's advance runs the same work for its tenants (runtime tenant-clocks.ts).
registerTenantWork('billing', (platform, tenantId, now) => billingWork(platform, tenantId, now, { tenants: 0, settled: 0, expired: 0, overdue: 0, lateFeesPaise: 0, resynced: 0 }));
registerDailyWork('platform billing', (platform, tenantIds, day) => renewSubscriptions(platform, day, tenantIds));

/** Starts the periodic sweep (every 30 s it looks for due tenants); returns its stop function. */
export const startBillingSweeper = (platform: Platform, intervalMs = 30_000) =>
  startPeriodic(platform.logger, 'billing sweep', () => billingSweepOnce(platform), intervalMs, (r) => Boolean(r.settled || r.expired || r.lateFeesPaise || r.resynced || r.supplyInvoices || r.failed || r.renewals?.renewed || r.renewals?.suspended || r.releasedHolds));
