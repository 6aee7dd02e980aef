// Receipt reads by id lists (entity references).
import type { TenantPrisma } from '@studyspot/db';

export type { Receipt } from '@studyspot/db/tenant';

export const receiptsByIds = (db: TenantPrisma, ids: readonly string[]) => db.receipt.findMany({ where: { id: { in: [...ids] } } });

/** A receipt with its payment, the payment's due allocations and credits (the receipt PDF). */
export const receiptWithPayment = (db: TenantPrisma, id: string) => db.receipt.findUnique({ where: { id }, include: { payment: { include: { allocations: true, credits: true } } } });

export const receiptsOfPayments = (db: TenantPrisma, paymentIds: readonly string[]) => db.receipt.findMany({ where: { paymentId: { in: [...paymentIds] } } });
