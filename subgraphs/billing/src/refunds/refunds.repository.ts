// Refund reads by id lists (entity references).
import type { TenantPrisma } from '@studyspot/db';

export type { Refund } from '@studyspot/db/tenant';

export const refundsByIds = (db: TenantPrisma, ids: readonly string[]) => db.refund.findMany({ where: { id: { in: [...ids] } } });

/** The refund a provider knows by its own id. */
export const refundIdByProviderId = async (db: TenantPrisma, providerRefundId: string) => (await db.refund.findFirst({ where: { providerRefundId }, select: { id: true } }))?.id ?? null;
export const refundExists = async (db: TenantPrisma, id: string) => Boolean(await db.refund.findUnique({ where: { id }, select: { id: true } }));

export const refundsOfPayments = (db: TenantPrisma, paymentIds: readonly string[]) => db.refund.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: { createdAt: 'asc' } });
