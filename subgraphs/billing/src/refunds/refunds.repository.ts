// Refund reads by id lists (entity references).
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import type { Tx } from '../shared/transactions.repository.ts';

export type { Refund } from '@studyspot/db/tenant';

export const refundsByIds = (db: TenantPrisma, ids: readonly string[]) => db.refund.findMany({ where: { id: { in: [...ids] } } });

/** The refund a provider knows by its own id. */
export const refundIdByProviderId = async (db: TenantPrisma, providerRefundId: string) => (await db.refund.findFirst({ where: { providerRefundId }, select: { id: true } }))?.id ?? null;
export const refundExists = async (db: TenantPrisma, id: string) => Boolean(await db.refund.findUnique({ where: { id }, select: { id: true } }));

export const refundsOfPayments = (db: TenantPrisma, paymentIds: readonly string[]) => db.refund.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: { createdAt: 'asc' } });

export const refundByKey = (db: TenantPrisma, idempotencyKey: string) => db.refund.findUnique({ where: { idempotencyKey } });
export const findRefundOrThrow = (db: TenantPrisma, id: string) => db.refund.findUniqueOrThrow({ where: { id } });

/** The payment's status and amounts, locked, and what its pending refunds hold (refundable = amount − refunded − pending). */
export async function lockRefundable(tx: Tx, paymentId: string) {
  const [p] = await tx.$queryRaw<{ status: string; amount: number; refunded: number }[]>`
    SELECT status::text AS status, amount_paise AS amount, refunded_paise AS refunded FROM payments WHERE id = ${paymentId}::uuid FOR UPDATE`;
  const pending = await tx.refund.aggregate({ where: { paymentId, status: 'PENDING' }, _sum: { amountPaise: true } });
  return { ...p!, pending: pending._sum.amountPaise ?? 0 };
}

export const createRefund = (tx: Tx, data: TenantPrismaNs.RefundUncheckedCreateInput) => tx.refund.create({ data });

/**
 * Locks the payment a refund belongs to and returns its id (null: no such refund). Taken first by
 * whatever changes a refund and its payment together, in the order refund creation takes them
 * (payment, then refund): a refund locked first while a concurrent refund of the same payment holds
 * the payment and waits on the refund's key is a deadlock.
 */
export const lockPaymentOfRefund = async (tx: Tx, refundId: string) =>
  (await tx.$queryRaw<{ id: string }[]>`SELECT p.id::text AS id FROM payments p JOIN refunds r ON r.payment_id = p.id WHERE r.id = ${refundId}::uuid FOR UPDATE OF p`)[0]?.id ?? null;

/** A refund's status, locked (null: no such refund). */
export const lockRefundStatus = async (tx: Tx, id: string) => (await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM refunds WHERE id = ${id}::uuid FOR UPDATE`)[0]?.status ?? null;
export const updateRefund = (tx: Tx, id: string, data: TenantPrismaNs.RefundUncheckedUpdateInput) => tx.refund.update({ where: { id }, data });

/** A processed refund on its payment: the refunded amount grows, and a fully refunded payment is REFUNDED. */
export async function addRefunded(tx: Tx, paymentId: string, amountPaise: number) {
  const payment = await tx.payment.update({ where: { id: paymentId }, data: { refundedPaise: { increment: amountPaise } } });
  if (payment.refundedPaise === payment.amountPaise) await tx.payment.update({ where: { id: payment.id }, data: { status: 'REFUNDED' } });
  return payment;
}

/** Processed refunds of these payments. */
export const processedRefundsOf = (db: TenantPrisma, paymentIds: readonly string[]) =>
  db.refund.findMany({ where: { paymentId: { in: [...paymentIds] }, status: 'PROCESSED' }, select: { paymentId: true, amountPaise: true, processedAt: true } });
