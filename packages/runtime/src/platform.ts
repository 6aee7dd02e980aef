// The process-wide parts every subgraph shares: config, logger, the core database, the tenant client
// cache and the event bus. Created once per process (one for all subgraphs in embedded mode).
import { FAIL_FAST, openRedis, type RedisClient } from './redis.ts';
import {
  coreTarget,
  createTenantClientCache,
  describeTarget,
  openCoreClient,
  type CorePrisma,
  type OpenClient,
  type TenantClientCache,
} from '@studyspot/db';
import { ConfigError, type Config } from './config.ts';
import { InProcessEventBus, RedisEventBus, topics, type EventBus } from './events.ts';
import type { Logger } from './observability/logger.ts';
import { watchPlatform } from './observability/metrics.ts';
import { workSchedule, type WorkSchedule } from './work/work.ts';
import { TenantClocks } from './work/tenant-clocks.ts';
import { ConfiguredOtpSender, DevOtpSender, type OtpSender } from './security/otp.ts';
import { FallbackRateLimiter, MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './security/rate-limit.ts';
import { SessionRevocations, type RevocationList } from './security/revocation.ts';

export interface Platform {
  config: Config;
  logger: Logger;
  core: CorePrisma;
  tenants: TenantClientCache;
  events: EventBus;
  revocations: RevocationList;
  rateLimiter: RateLimiter;
  otpSender: OtpSender;
  /** When each tenant's background work is next due (work.ts): sweeps visit only tenants whose time has come. */
  work: WorkSchedule;
  /** Which tenants read a test clock's time (outside production; tenant-clocks.ts, clock.ts). */
  clocks: TenantClocks;
  /**
   * Where providers and browsers reach this deployment (webhooks, receipt links, the simulators):
   * PUBLIC_URL, else http://localhost:<port> — the gateway sets the port it actually bound.
   */
  publicUrl: string;
  /** Ids of the active tenants (start-up work that resumes what a previous process left). */
  activeTenantIds(): Promise<string[]>;
  /** Throws when a dependency does not answer; used by /readyz. */
  checkReady(): Promise<Record<string, 'ok' | string>>;
  close(): Promise<void>;
}

function reason(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { message: string }[] };
  if (e.errors?.length) return e.errors.map((x) => x.message).join('; ');
  return [e.code, e.message].filter(Boolean).join(' ') || String(err);
}

export async function createPlatform(config: Config, logger: Logger, opts: { logQueries?: boolean } = {}): Promise<Platform> {
  const dbVar = config.database.kind === 'postgres' ? 'DATABASE_URL' : 'STUDYSPOT_DATA_DIR';
  const target = coreTarget(config.database);
  let core: OpenClient<CorePrisma>;
  try {
    core = await openCoreClient(target, { poolMax: 10, logQueries: opts.logQueries });
    await core.ping();
  } catch (err) {
    throw new ConfigError(dbVar, `cannot open core database ${describeTarget(target)}: ${reason(err)}`);
  }

  let events: EventBus;
  let redis: RedisClient | null = null;
  if (config.redisUrl) {
    const bus = new RedisEventBus(config.redisUrl, logger, config.redisKeyPrefix);
    // Commands fail at once while Redis is away (no offline queue); the limiter falls back to the
    // process's own counters and ioredis reconnects in the background.
    redis = openRedis(config.redisUrl, FAIL_FAST);
    redis.on('error', () => {});
    try {
      await bus.connect();
      await bus.ping();
      await redis.connect();
    } catch (err) {
      await bus.close();
      redis.disconnect();
      await core.close();
      throw new ConfigError('REDIS_URL', `cannot connect: ${reason(err)}`);
    }
    events = bus;
  } else {
    events = new InProcessEventBus();
  }

  const tenants = createTenantClientCache(config.database, core.prisma, {
    maxClients: config.tenantClients.max,
    idleMs: config.tenantClients.idleMs,
    poolMax: config.tenantClients.poolMax,
    logQueries: opts.logQueries,
  });

  const revocations = new SessionRevocations(core.prisma, events);
  // A tenant's status or server changed in another process (suspension, deletion, a move): forget
  // its location at once instead of trusting it up to a second more.
  const placementWatch = new AbortController();
  void (async () => {
    for await (const e of events.subscribe(topics.tenants, placementWatch.signal)) {
      const { tenantId } = e as { tenantId?: string };
      if (tenantId) tenants.invalidate(tenantId);
    }
  })().catch((err) => logger.error({ err }, 'tenant location watch failed'));
  const unwatch = watchPlatform({ tenants, events });
  return {
    config,
    logger,
    core: core.prisma,
    tenants,
    events,
    revocations,
    rateLimiter: redis ? new FallbackRateLimiter(redis, new RedisRateLimiter(redis, config.redisKeyPrefix)) : new MemoryRateLimiter(),
    otpSender: new ConfiguredOtpSender(config, new DevOtpSender(logger, config.production)),
    work: workSchedule(core.prisma),
    clocks: new TenantClocks(core.prisma, config.production),
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    // The runtime routes requests to tenant databases, so it reads where tenants are and their status.
    activeTenantIds: async () => (await core.prisma.tenant.findMany({ where: { status: 'ACTIVE' }, select: { id: true } })).map((t) => t.id),
    async checkReady() {
      const out: Record<string, string> = {};
      await Promise.all([
        core.ping().then(() => (out.database = 'ok'), (e) => (out.database = reason(e))),
        // Without Redis the process still answers (degraded): readiness must not take every replica
        // out of the load balancer during a Redis outage.
        events.ping().then(() => (out.events = 'ok'), (e) => (out.events = `degraded: ${reason(e)}`)),
      ]);
      return out;
    },
    async close() {
      unwatch();
      placementWatch.abort();
      revocations.close();
      await tenants.close();
      await events.close();
      redis?.disconnect();
      await core.close();
    },
  };
}
