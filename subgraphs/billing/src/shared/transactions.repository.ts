// A unit of work on a tenant database: `fn` runs in one transaction, its repository calls given the
// transaction client. The one way billing's services open a transaction.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';

export type Tx = TenantPrismaNs.TransactionClient;

export const inTransaction = <T>(db: TenantPrisma, fn: (tx: Tx) => Promise<T>, opts?: { timeout?: number }): Promise<T> => db.$transaction(fn, opts);
