// The SMS tables' reads that resolvers need (the rest of sms.resolvers.ts still reads Prisma itself;
// moving it is the subgraph-template issue's work).
import type { TenantPrisma } from '@studyspot/db';

/** The tenant's registered DLT headers, oldest first. */
export const listSenders = (db: TenantPrisma) => db.smsSender.findMany({ orderBy: { createdAt: 'asc' }, take: 200 });
