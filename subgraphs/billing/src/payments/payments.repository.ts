// Payment reads that lists need in one statement whatever their length.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import type { Tx } from '../shared/transactions.repository.ts';
import { KEYSET_ORDER } from '@studyspot/runtime';

export type { Payment, PaymentOrder } from '@studyspot/db/tenant';

/**
 * The first `take` payments (oldest first) of each of many students, limited to some branches when
 * `libraryIds` is given: two statements for a page of students, not one per student.
 */
export async function firstPaymentsOfStudents(db: TenantPrisma, studentIds: readonly string[], take: number, libraryIds: string[] | null) {
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY student_id ORDER BY created_at, id) AS n
      FROM payments
      WHERE student_id = ANY(${[...studentIds]}::uuid[]) AND (${libraryIds}::uuid[] IS NULL OR library_id = ANY(${libraryIds}::uuid[]))
    ) ranked WHERE n <= ${take}`;
  return ids.length ? db.payment.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: KEYSET_ORDER }) : [];
}

export const ordersByIds = (db: TenantPrisma, ids: readonly string[]) => db.paymentOrder.findMany({ where: { id: { in: [...ids] } } });

/** Payments captured since `since`, with their receipt number (automatic receipts by SMS), at most 5,000. */
export const capturedSince = (db: TenantPrisma, since: Date) =>
  db.payment.findMany({ where: { status: 'CAPTURED', capturedAt: { gte: since } }, include: { receipt: { select: { number: true } } }, take: 5_000 });

/** Captured payments of these students since an instant (what admissions' funnel adds up per converted student). */
export const capturedOfStudentsSince = (db: TenantPrisma, studentIds: readonly string[], since: Date) =>
  db.payment.findMany({ where: { status: 'CAPTURED', studentId: { in: [...studentIds] }, capturedAt: { gte: since } }, select: { studentId: true, amountPaise: true, capturedAt: true } });

/** A page of payments in the caller's scope (a keyset and scope `where`), oldest first. */
export const paymentsPage = (db: TenantPrisma, take: number, where: object) => db.payment.findMany({ where, orderBy: KEYSET_ORDER, take });

/** A student's latest 100 captured or refunded payments. */
export const recentPaymentsOf = (db: TenantPrisma, studentId: string) =>
  db.payment.findMany({ where: { studentId, status: { in: ['CAPTURED', 'REFUNDED'] } }, orderBy: { createdAt: 'desc' }, take: 100 });

export const findOrder = (db: TenantPrisma, id: string) => db.paymentOrder.findUnique({ where: { id } });

/** Payments captured in [start, end) (in these branches, when given), as collections reports need them. */
export const capturedBetween = (db: TenantPrisma, start: Date, end: Date, libraryIds: string[] | null) =>
  db.payment.findMany({
    where: { status: { in: ['CAPTURED', 'REFUNDED'] }, capturedAt: { gte: start, lt: end }, ...(libraryIds ? { libraryId: { in: libraryIds } } : {}) },
    select: { amountPaise: true, refundedPaise: true, feePaise: true, method: true, provider: true, channel: true, libraryId: true, capturedAt: true },
  });

export const paymentsByIds = (db: TenantPrisma, ids: readonly string[]) => db.payment.findMany({ where: { id: { in: [...ids] } } });
export const paymentsOfOrders = (db: TenantPrisma, orderIds: readonly string[]) => db.payment.findMany({ where: { orderId: { in: [...orderIds] } } });
/** How each of these payments was split over dues, in order. */
export const allocationsOfPayments = (db: TenantPrisma, paymentIds: readonly string[]) => db.paymentAllocation.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: { createdAt: 'asc' } });

/** Online orders still open (created or failed) since before `cutoff`, oldest first (at most 200). */
export const staleOrders = (db: TenantPrisma, cutoff: Date) =>
  db.paymentOrder.findMany({ where: { status: { in: ['CREATED', 'FAILED'] }, createdAt: { lte: cutoff } }, take: 200, orderBy: { createdAt: 'asc' } });
/** Expires an order still open; false when it was settled or expired meanwhile. */
export const expireOrder = async (db: TenantPrisma, id: string) => (await db.paymentOrder.updateMany({ where: { id, status: { in: ['CREATED', 'FAILED'] } }, data: { status: 'EXPIRED' } })).count > 0;
/** When the oldest open order was created (null: none). */
export const oldestOpenOrderAt = async (db: TenantPrisma) =>
  (await db.paymentOrder.findFirst({ where: { status: { in: ['CREATED', 'FAILED'] } }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }))?.createdAt ?? null;

export const paymentByKey = (db: TenantPrisma, idempotencyKey: string) => db.payment.findUnique({ where: { idempotencyKey } });

/** Writes a captured payment inside the caller's transaction. */
export const createPayment = (tx: Tx, data: TenantPrismaNs.PaymentUncheckedCreateInput) => tx.payment.create({ data });

export const findPaymentOrThrow = (db: TenantPrisma, id: string) => db.payment.findUniqueOrThrow({ where: { id } });

/** An online order and the dues it pays, written together. */
export function createOrder(db: TenantPrisma, data: TenantPrismaNs.PaymentOrderUncheckedCreateInput, earmarks: { dueId: string; amountPaise: number }[]) {
  return db.$transaction(async (tx) => {
    const created = await tx.paymentOrder.create({ data });
    await tx.orderDue.createMany({ data: earmarks.map((e) => ({ orderId: created.id, ...e })) });
    return created;
  });
}

export const orderByProvider = (db: TenantPrisma, provider: string, providerOrderId: string) => db.paymentOrder.findUnique({ where: { provider_providerOrderId: { provider, providerOrderId } } });
export const orderByProviderOrThrow = (db: TenantPrisma, provider: string, providerOrderId: string) => db.paymentOrder.findUniqueOrThrow({ where: { provider_providerOrderId: { provider, providerOrderId } } });

/** An order's status, locked until the transaction ends (two settlements of one order queue). */
export const lockOrderStatus = async (tx: Tx, orderId: string) => (await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM payment_orders WHERE id = ${orderId}::uuid FOR UPDATE`)[0]?.status ?? null;
export const paymentIdOfOrder = async (tx: Tx, orderId: string) => (await tx.payment.findUniqueOrThrow({ where: { orderId }, select: { id: true } })).id;
export const setOrderStatus = (tx: Tx, orderId: string, status: 'PAID' | 'REVIEW', reviewReason?: string) => tx.paymentOrder.update({ where: { id: orderId }, data: { status, ...(reviewReason !== undefined ? { reviewReason } : {}) } });
/** The dues an order was meant to pay, with the amount for each. */
export const earmarksOf = (tx: Tx, orderId: string) => tx.orderDue.findMany({ where: { orderId }, select: { dueId: true, amountPaise: true } });
/** A waiting order (CREATED) becomes FAILED; false when it was not waiting. */
export const failWaitingOrder = async (db: TenantPrisma, provider: string, providerOrderId: string, reason: string) =>
  (await db.paymentOrder.updateMany({ where: { provider, providerOrderId, status: 'CREATED' }, data: { status: 'FAILED', reviewReason: reason } })).count === 1;

/** Each of these students' first captured payment (refunded since or not), if any. */
export const firstCapturedOf = (db: TenantPrisma, studentIds: readonly string[]) =>
  db.payment.findMany({
    where: { studentId: { in: [...studentIds] }, capturedAt: { not: null }, status: { in: ['CAPTURED', 'REFUNDED'] } },
    orderBy: [{ studentId: 'asc' }, { capturedAt: 'asc' }, { id: 'asc' }],
    distinct: ['studentId'],
    select: { id: true, studentId: true, amountPaise: true, capturedAt: true },
  });
