// Prisma clients over an opened database. The generated clients are not committed: `pnpm db:generate`.
import { PrismaClient as CorePrismaClient } from '../core/generated/client.ts';
import { PrismaClient as TenantPrismaClient } from '../tenant/generated/client.ts';
import { openDatabase, poolWaitMs, type DatabaseTarget, type OpenOptions } from './targets.ts';

export type CorePrisma = InstanceType<typeof CorePrismaClient>;
export type TenantPrisma = InstanceType<typeof TenantPrismaClient>;

export interface OpenClient<C> {
  prisma: C;
  ping(): Promise<void>;
  close(): Promise<void>;
}

type LogDefinition = { level: 'query'; emit: 'event' };

async function openClient<C extends { $disconnect(): Promise<void> }>(
  target: DatabaseTarget,
  opts: OpenOptions & { logQueries?: boolean },
  make: (adapter: unknown, log: LogDefinition[] | undefined) => C,
): Promise<OpenClient<C>> {
  const db = await openDatabase(target, opts);
  const prisma = make(db.adapter, opts.logQueries ? [{ level: 'query', emit: 'event' }] : undefined);
  return {
    prisma,
    ping: db.ping,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/**
 * Interactive transactions wait for a pooled connection as long as any query does (the pool's wait,
 * DATABASE_POOL_WAIT_MS: 15 s by default) and may run 15 s (Prisma's defaults, 2 s and 5 s, failed
 * money transactions that queued behind row locks under load).
 */
const TRANSACTIONS = { maxWait: poolWaitMs(), timeout: 15_000 };

export function openCoreClient(target: DatabaseTarget, opts: OpenOptions & { logQueries?: boolean } = {}) {
  return openClient<CorePrisma>(target, opts, (adapter, log) =>
    new CorePrismaClient({ adapter: adapter as never, log, transactionOptions: TRANSACTIONS }) as CorePrisma,
  );
}

/**
 * A process holds up to TENANT_CLIENT_MAX tenant clients at once, so each is kept lean: at most 200
 * cached query plans (Prisma's default, 1,000 per client, grew every open client towards several MB)
 * and pooled connections closed after 10 s idle (a tenant between requests holds none). The schema
 * data every client of one generated client needs is decoded once (patches/@prisma__client@7.10.0.patch)
 * and its query compiler compiled once (scripts/generate.ts).
 */
export const TENANT_QUERY_PLANS = 200;

export function openTenantClient(target: DatabaseTarget, opts: OpenOptions & { logQueries?: boolean } = {}) {
  return openClient<TenantPrisma>(target, { idleTimeoutMs: 10_000, ...opts }, (adapter, log) =>
    new TenantPrismaClient({ adapter: adapter as never, log, transactionOptions: TRANSACTIONS, queryPlanCacheMaxSize: TENANT_QUERY_PLANS }) as TenantPrisma,
  );
}
