// Refund reads by id lists (entity references).
import type { TenantPrisma } from '@studyspot/db';

export type { Refund } from '@studyspot/db/tenant';

export const refundsByIds = (db: TenantPrisma, ids: readonly string[]) => db.refund.findMany({ where: { id: { in: [...ids] } } });
