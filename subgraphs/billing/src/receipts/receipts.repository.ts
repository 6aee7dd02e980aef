// Receipt reads by id lists (entity references).
import type { TenantPrisma } from '@studyspot/db';

export const receiptsByIds = (db: TenantPrisma, ids: readonly string[]) => db.receipt.findMany({ where: { id: { in: [...ids] } } });
