// Refund reads by id lists (entity references).
import type { TenantPrisma } from '@studyspot/db';

export const refundsByIds = (db: TenantPrisma, ids: readonly string[]) => db.refund.findMany({ where: { id: { in: [...ids] } } });
