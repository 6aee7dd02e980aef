import type { TenantPrisma } from '@studyspot/db';
import { KEYSET_ORDER } from '@studyspot/runtime';

const PAYMENT_SELECT = { id: true, studentId: true, amountPaise: true, status: true, provider: true, createdAt: true } as const;

export type PaymentRow = Awaited<ReturnType<typeof findPaymentsByIds>>[number];

export function findPaymentsByIds(db: TenantPrisma, ids: readonly string[]) {
  return db.payment.findMany({ where: { id: { in: [...ids] } }, select: PAYMENT_SELECT });
}

export function listPayments(db: TenantPrisma, take: number, where: object, studentId?: string) {
  return db.payment.findMany({ where: { AND: [where, studentId ? { studentId } : {}] }, orderBy: KEYSET_ORDER, take, select: PAYMENT_SELECT });
}

export async function tenantCounts(db: TenantPrisma) {
  const r = await db.payment.aggregate({ where: { status: 'CAPTURED' }, _count: { _all: true }, _sum: { amountPaise: true } });
  return { paymentCount: r._count._all, revenuePaise: r._sum.amountPaise ?? 0 };
}
