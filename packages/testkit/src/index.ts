// Test worlds on real servers: TEST_DATABASE_URL (PostgreSQL) and REDIS_URL when set, otherwise
// embedded PGlite and the in-process bus, announced loudly. Every world gets its own databases
// (a random prefix) and drops them when done.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { migrateCore } from '@studyspot/db';
import { Redis } from 'ioredis';
import { testDatabases, warnOnce, type TestDatabases } from '@studyspot/db/testing';
import { createPlatform, DEFAULT_LIMITS, DEFAULT_LIVE_LIMITS, type Claims, type Config, type Platform } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { KeyRing, SecretBox, signAccessToken } from '@studyspot/runtime/security';

export { dropDatabasesWithPrefix, testDatabases, testDatabaseUrl, type TestDatabases } from '@studyspot/db/testing';

export function testRedisUrl(): string | null {
  const url = process.env.REDIS_URL || null;
  if (!url) warnOnce('redis', 'REDIS_URL is not set: tests fall back to the in-process event bus.');
  return url;
}


/** Removes the rate-limit and revocation keys a test world wrote. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  try {
    // The queue's keys carry the prefix inside a hash tag: `{<prefix>bull}:…`.
    const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`{${prefix}*`))];
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export interface TestWorld {
  platform: Platform;
  config: Config;
  db: TestDatabases;
  token(claims: Claims, ttlSeconds?: number): string;
  close(): Promise<void>;
}

export async function createTestWorld(overrides: Partial<Config> = {}, opts: { logQueries?: boolean } = {}): Promise<TestWorld> {
  const db = testDatabases();
  await migrateCore(db.server);
  const keyRing = KeyRing.generate();
  const config: Config = {
    production: false,
    metrics: { token: null, port: null, host: '127.0.0.1' },
    tracesEndpoint: null,
    port: 0,
    host: '127.0.0.1',
    database: db.server,
    redisUrl: testRedisUrl(),
    dataDir: db.server.kind === 'pglite' ? db.server.dataDir : tmpdir(),
    keyRing,
    gatewaySecret: randomBytes(24).toString('base64url'),
    subgraphMode: 'local',
    subgraphUrls: { identity: '', tenancy: '', campus: '', billing: '', communications: '', engagement: '', insights: '' },
    tenantClients: { max: 20, idleMs: 60_000, poolMax: 2 },
    seedDemo: false,
    otpSecret: randomBytes(24).toString('base64url'),
    tenantPurgeGraceDays: 30,
    trustProxy: false,
    gatewayPath: { forward: process.env.GATEWAY_FORWARD !== '0', leanHttp: process.env.GATEWAY_LEAN_HTTP !== '0', trusted: 'off', trustedFiles: [], socketDir: null },
    tenantDatabasePrefix: db.prefix,
    redisKeyPrefix: `${db.prefix}:`,
    limits: DEFAULT_LIMITS,
    live: DEFAULT_LIVE_LIMITS,
    platformSeller: { name: 'StudySpot Technologies', gstin: '27AAACS1234A1Z2', state: 'MH' },
    platformGateway: null,
    sms: null,
    email: { smtpUrl: null, from: 'StudySpot <no-reply@studyspot.test>' },
    creditPricePaise: 25,
    corsOrigins: [],
    logOtpCodes: true,
    checkInGraceMinutes: 15,
    publicUrl: null,
    payments: { razorpayUrl: null, cashfreeUrl: null, timeoutMs: 2_000, secrets: SecretBox.derived(randomBytes(16).toString('hex')), reconcileAfterMinutes: 30 },
    ...overrides,
  };
  const platform = await createPlatform(config, createLogger('test', process.env.LOG_LEVEL ?? 'silent'), opts);
  return {
    platform,
    config,
    db,
    token: (claims, ttl) => signAccessToken(keyRing, claims, ttl),
    close: async () => {
      await platform.close();
      await db.dropAll();
      if (config.redisUrl) await deleteRedisKeys(config.redisUrl, config.redisKeyPrefix);
    },
  };
}
