// Billing's background work, every few minutes, in every active tenant (one run at a time):
// - reconciliation: orders still unpaid after RECONCILE_AFTER_MINUTES are asked about at their
//   gateway: captured money is settled, an order past its expiry with none is EXPIRED;
// - overdue dues are announced once and charged the tenant's late fee;
// - dues of allocations changed lately are synced again (repairs a sync that failed after a change);
// - platform billing: subscriptions renew, open invoices are dunned, credit holds nobody settled are
//   released (platform/renewals.ts).
import type { TenantPrisma } from '@studyspot/db';
import { istDay, startPeriodic, subgraphContext, type Platform } from '@studyspot/runtime';
import { chargeOverdue } from '../dues/dues.service.ts';
import { syncDuesInTx } from '../dues/dues.sync.ts';
import { clientFor } from '../gateways/accounts.ts';
import type { Provider } from '../gateways/provider.ts';
import { failOrder, settleOrder } from '../payments/settle.ts';
import { releaseExpired } from '../credits/credits.service.ts';
import { renewSubscriptions, type RenewalReport } from '../platform/renewals.ts';

export interface SweepReport {
  tenants: number;
  settled: number;
  expired: number;
  overdue: number;
  lateFeesPaise: number;
  resynced: number;
  renewals?: RenewalReport;
  releasedHolds?: number;
}

export async function reconcileOrders(platform: Platform, tenantId: string, db: TenantPrisma, now = new Date()): Promise<{ settled: number; expired: number }> {
  const cutoff = new Date(now.getTime() - platform.config.payments.reconcileAfterMinutes * 60_000);
  const stale = await db.paymentOrder.findMany({ where: { status: { in: ['CREATED', 'FAILED'] }, createdAt: { lte: cutoff } }, take: 200, orderBy: { createdAt: 'asc' } });
  let settled = 0;
  let expired = 0;
  for (const order of stale) {
    const account = await db.gatewayAccount.findUnique({ where: { provider: order.provider } });
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
        const done = await db.paymentOrder.updateMany({ where: { id: order.id, status: { in: ['CREATED', 'FAILED'] } }, data: { status: 'EXPIRED' } });
        expired += done.count;
      }
    } catch (err) {
      platform.logger.warn({ tenantId, orderId: order.id, err: (err as Error).message }, 'reconciliation could not ask the gateway');
    }
  }
  return { settled, expired };
}

export async function billingSweepOnce(platform: Platform, now = new Date()): Promise<SweepReport> {
  const tenants = await platform.core.tenant.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
  const report: SweepReport = { tenants: tenants.length, settled: 0, expired: 0, overdue: 0, lateFeesPaise: 0, resynced: 0 };
  for (const t of tenants) {
    const ctx = subgraphContext(platform, { requestId: `billing-sweep-${now.getTime()}`, claims: null, actingTenantId: t.id });
    try {
      const db = await ctx.tenantDb(t.id);
      const r = await reconcileOrders(platform, t.id, db, now);
      report.settled += r.settled;
      report.expired += r.expired;
      const recent = await db.seatAllocation.findMany({ where: { updatedAt: { gte: new Date(now.getTime() - 2 * 86_400_000) } }, select: { id: true } });
      for (const a of recent) {
        const { created } = await db.$transaction((tx) => syncDuesInTx(tx, a.id));
        report.resynced += created.length;
      }
      const o = await chargeOverdue(db, t.id, (topic, p) => platform.events.publish(topic, p));
      report.overdue += o.overdue;
      report.lateFeesPaise += o.lateFeesPaise;
    } catch (err) {
      platform.logger.error({ err, tenantId: t.id }, 'billing sweep failed for a tenant');
    } finally {
      await ctx.dispose();
    }
  }
  try {
    report.renewals = await renewSubscriptions(platform, istDay(now).toISOString().slice(0, 10));
    report.releasedHolds = await releaseExpired({ core: platform.core, events: platform.events }, now);
  } catch (err) {
    platform.logger.error({ err }, 'platform billing sweep failed');
  }
  return report;
}

/** Starts the periodic sweep; returns a function that stops it (and waits for a run in progress). */
export const startBillingSweeper = (platform: Platform, intervalMs = 5 * 60_000) =>
  startPeriodic(platform.logger, 'billing sweep', () => billingSweepOnce(platform), intervalMs, (r) => Boolean(r.settled || r.expired || r.lateFeesPaise || r.resynced || r.renewals?.renewed || r.renewals?.suspended || r.releasedHolds));
