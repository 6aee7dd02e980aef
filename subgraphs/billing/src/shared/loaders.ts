// Per-request DataLoaders for every relation billing resolves, so a list of 1,000 dues with their
// adjustments, or 1,000 students with their balances, costs a constant number of statements.
import { byIds, groupBy, type SubgraphContext } from '@studyspot/runtime';
import { adjustmentsOf, balancesOf, duesOfAllocations, duesOfStudents, findDuesByIds } from '../dues/dues.repository.ts';
import { allocationsOfPayments, firstPaymentsOfStudents, ordersByIds, paymentsByIds, paymentsOfOrders } from '../payments/payments.repository.ts';
import { receiptsByIds, receiptsOfPayments } from '../receipts/receipts.repository.ts';
import { refundsByIds, refundsOfPayments } from '../refunds/refunds.repository.ts';
import { billingScope, type BillingScope } from './scope.ts';
import { supplyInvoicesOfReceipts } from '../receipts/supply-invoices.repository.ts';

/** The request's billing scope (the runtime builds the scope once per request; the student is read once). */
export const scopeOf = (ctx: SubgraphContext): Promise<BillingScope> => billingScope(ctx);

export function loaders(ctx: SubgraphContext, s: BillingScope) {
  const { db } = s;
  return {
    due: ctx.loader('billing:due', async (ids: readonly string[]) => byIds(ids, await findDuesByIds(db, ids))),
    supplyInvoicesOfReceipt: ctx.loader('billing:supplyInvoicesOfReceipt', async (ids: readonly string[]) => {
      const g = groupBy(await supplyInvoicesOfReceipts(db, ids), (r) => r.receiptId);
      return ids.map((id) => g.get(id) ?? []);
    }),
    duesOfStudent: (status: 'OPEN' | 'PAID' | 'VOID' | null) =>
      ctx.loader(`billing:duesOfStudent:${status ?? 'live'}`, async (ids: readonly string[]) => {
        const g = groupBy(await duesOfStudents(db, ids, status), (r) => r.studentId);
        return ids.map((id) => g.get(id) ?? []);
      }),
    duesOfAllocation: ctx.loader('billing:duesOfAllocation', async (ids: readonly string[]) => {
      const g = groupBy(await duesOfAllocations(db, ids), (r) => r.allocationId!);
      return ids.map((id) => g.get(id) ?? []);
    }),
    adjustments: ctx.loader('billing:adjustments', async (ids: readonly string[]) => {
      const g = groupBy(await adjustmentsOf(db, ids), (r) => r.dueId);
      return ids.map((id) => g.get(id) ?? []);
    }),
    balance: ctx.loader('billing:balance', async (ids: readonly string[]) => {
      const m = await balancesOf(db, ids);
      return ids.map((id) => m.get(id)!);
    }),
    /** The first page (`take` + 1 rows, to tell whether there is more) of each student's payments. */
    firstPaymentsOfStudent: (take: number) =>
      ctx.loader(`billing:firstPayments:${take}`, async (ids: readonly string[]) => {
        const g = groupBy(await firstPaymentsOfStudents(db, ids, take, s.libraryIds), (r) => r.studentId);
        return ids.map((id) => g.get(id) ?? []);
      }),
    payment: ctx.loader('billing:payment', async (ids: readonly string[]) => byIds(ids, await paymentsByIds(db, ids))),
    allocationsOfPayment: ctx.loader('billing:allocationsOfPayment', async (ids: readonly string[]) => {
      const g = groupBy(await allocationsOfPayments(db, ids), (r) => r.paymentId);
      return ids.map((id) => g.get(id) ?? []);
    }),
    receiptOfPayment: ctx.loader('billing:receiptOfPayment', async (ids: readonly string[]) => {
      const rows = await receiptsOfPayments(db, ids);
      const m = new Map(rows.map((r) => [r.paymentId, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    refundsOfPayment: ctx.loader('billing:refundsOfPayment', async (ids: readonly string[]) => {
      const g = groupBy(await refundsOfPayments(db, ids), (r) => r.paymentId);
      return ids.map((id) => g.get(id) ?? []);
    }),
    order: ctx.loader('billing:order', async (ids: readonly string[]) => byIds(ids, await ordersByIds(db, ids))),
    refund: ctx.loader('billing:refund', async (ids: readonly string[]) => byIds(ids, await refundsByIds(db, ids))),
    receipt: ctx.loader('billing:receipt', async (ids: readonly string[]) => byIds(ids, await receiptsByIds(db, ids))),
    paymentOfOrder: ctx.loader('billing:paymentOfOrder', async (ids: readonly string[]) => {
      const rows = await paymentsOfOrders(db, ids);
      const m = new Map(rows.map((r) => [r.orderId!, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
  };
}

/** The request's billing scope and its loaders. */
export async function scoped(ctx: SubgraphContext) {
  const s = await scopeOf(ctx);
  return { s, l: loaders(ctx, s) };
}
