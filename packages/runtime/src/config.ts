// Configuration from the environment, validated up front. A bad value stops the process with one
// line naming the variable (ConfigError), never a stack trace.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseServerFromEnv, REPO_ROOT, type DatabaseServer } from '@studyspot/db';
import { KeyRing } from './security/auth.ts';

import { ConfigError } from './config-error.ts';
import { loadLimits, loadLiveLimits, type LiveLimits, type OperationLimits } from './limits.ts';
import { SecretBox } from './security/secret-box.ts';
import { parseRedisUrl, RedisUrlError } from './redis.ts';

export { ConfigError };

export const SUBGRAPH_NAMES = ['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];
export const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = {
  identity: 4001,
  tenancy: 4002,
  campus: 4003,
  billing: 4004,
  communications: 4005,
  engagement: 4006,
  insights: 4007,
};

export interface Config {
  production: boolean;
  /** Who may read /metrics (metrics.ts): a bearer token, and/or a separate private listener. */
  metrics: { token: string | null; port: number | null; host: string };
  /** OTLP/HTTP traces endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or …_TRACES_ENDPOINT); null: no tracing. */
  tracesEndpoint: string | null;
  port: number;
  /**
   * The address the gateway and subgraph servers listen on (HOST). Outside production 127.0.0.1: a
   * development server and its simulators answer only this machine unless HOST opens them (0.0.0.0).
   * In production every interface (a container's port is published by its platform).
   */
  host: string;
  database: DatabaseServer;
  redisUrl: string | null;
  dataDir: string;
  keyRing: KeyRing;
  gatewaySecret: string;
  subgraphMode: 'local' | 'remote';
  subgraphUrls: Record<SubgraphName, string>;
  tenantClients: { max: number; idleMs: number; poolMax: number };
  seedDemo: boolean;
  /** Key for OTP hashes at rest (derived from GATEWAY_SECRET). */
  otpSecret: string;
  /** Days a deleted tenant's database is kept before it may be purged. */
  tenantPurgeGraceDays: number;
  /** Take the client IP from X-Forwarded-For (behind a trusted proxy). */
  trustProxy: boolean;
  /**
   * The gateway's hot path (issue 23). `forward`: one-fetch operations are forwarded without
   * re-execution (GATEWAY_FORWARD=0 turns it off). `leanHttp`: POST /graphql is served without
   * Express (GATEWAY_LEAN_HTTP=0). `trusted`: which callers may send documents outside the trusted
   * manifests (TRUSTED_DOCUMENTS=off|anonymous|all: `anonymous` refuses unknown documents from
   * callers without a token, `all` from everyone); `trustedFiles`: manifests added to the product's own
   * (TRUSTED_DOCUMENTS_FILES, comma-separated). `socketDir`: co-located subgraphs also listen on
   * `<dir>/<name>.sock` and the gateway connects there (SUBGRAPH_SOCKET_DIR).
   */
  gatewayPath: { forward: boolean; leanHttp: boolean; trusted: 'off' | 'anonymous' | 'all'; trustedFiles: string[]; socketDir: string | null };
  /**
   * On SIGTERM, how long /readyz answers 503 "draining" while requests are still served, before the
   * server stops (SHUTDOWN_DRAIN_MS; the balancer's check interval × its fall count, plus a margin).
   * Default 5 s in production, 0 otherwise. Optional: absent means 0.
   */
  shutdownDrainMs?: number;
  /** SUPERGRAPH_PATH: the composed supergraph to serve (a mounted ConfigMap in Kubernetes); default gateway/supergraph.graphql. */
  supergraphPath?: string;
  /** MOVE_LOGICAL_MIN_BYTES: tenants at least this large move by logical replication, smaller ones by dump (default 16 MB). */
  moveLogicalMinBytes?: number;
  /**
   * Whether the gateway process applies pending tenant migrations before it listens
   * (MIGRATE_TENANTS_ON_START, default 1: `pnpm start` needs nothing else). Replicas set 0 and run
   * the migration job (`pnpm db:migrate`) once instead; a tenant not yet migrated is answered
   * SERVICE_UNAVAILABLE (reason TENANT_SCHEMA_BEHIND) until the job reaches it.
   */
  migrateTenantsOnStart?: boolean;
  /** Tenant databases are named `<prefix>t_<slug>`. */
  tenantDatabasePrefix: string;
  /** Prefix of every Redis key this deployment writes (rate limits). */
  redisKeyPrefix: string;
  /** Operation limits the gateway enforces before planning (see limits.ts). */
  limits: { signedIn: OperationLimits; anonymous: OperationLimits };
  /** Live subscription limits (see limits.ts). */
  live: LiveLimits;
  /** The platform as a seller on its invoices to tenants (GST: CGST+SGST in its own state, IGST elsewhere). */
  platformSeller: { name: string; gstin: string | null; state: string };
  /**
   * The platform's own Razorpay account (tenants pay invoices and credit packs through it). Outside
   * production without one, the gateway's simulator provides one at start-up.
   */
  platformGateway: { keyId: string; keySecret: string; webhookSecret: string } | null;
  /** Retail price of one SMS credit, in paise before GST (25 = ₹0.25). */
  creditPricePaise: number;
  /** Origins a browser may call the API from (CORS). Outside production Apollo Sandbox's are added. */
  corsOrigins: string[];
  /**
   * Whether OTP codes may be written to the log (no SMS provider). Always outside production; in
   * production only with STUDYSPOT_INSECURE_LOG_OTP_CODES=1 (a staging deployment with private logs).
   */
  logOtpCodes: boolean;
  /** Minutes before opening and after closing time a library still accepts check-ins. */
  checkInGraceMinutes: number;
  /**
   * Where payment providers and browsers reach this deployment (webhook URLs, receipt links).
   * Null: http://localhost:<bound port>.
   */
  publicUrl: string | null;
  payments: PaymentsConfig;
  /**
   * MSG91 (the platform's account; tenants' messages are paid in credits). Null outside production
   * without MSG91_AUTH_KEY: the gateway mounts its simulator and fills this in at start-up.
   */
  sms: SmsConfig | null;
  /** SMTP for email notifications (smtp(s)://user:pass@host:port), and the From address. Null: emails are logged (outside production). */
  email: { smtpUrl: string | null; from: string };
}

export interface PaymentsConfig {
  /**
   * API bases the provider SDKs use. Null (the default outside production): this deployment's own
   * simulators, served by the gateway under /_simulators.
   */
  razorpayUrl: string | null;
  cashfreeUrl: string | null;
  /** A gateway call that takes longer fails over to the other gateway. */
  timeoutMs: number;
  /** Encrypts tenants' gateway secrets at rest. */
  secrets: SecretBox;
  /** Online orders still unpaid after this long are asked about at the provider (and settled or expired). */
  reconcileAfterMinutes: number;
}

export interface SmsConfig {
  apiUrl: string;
  authKey: string;
  /** MSG91's template for OTP messages (its DLT template must carry the code as a variable). */
  otpTemplateId: string;
  /** The secret path segment of the delivery-report webhook: /webhooks/msg91/<reportToken>. */
  reportToken: string;
  timeoutMs: number;
}

function sms(env: NodeJS.ProcessEnv, production: boolean): SmsConfig | null {
  if (!env.MSG91_AUTH_KEY) return null;
  const reportToken = env.MSG91_REPORT_TOKEN ?? '';
  if (reportToken.length < 24) throw new ConfigError('MSG91_REPORT_TOKEN', 'at least 24 random characters: the delivery-report URL is only as secret as this token');
  if (!env.MSG91_OTP_TEMPLATE_ID) throw new ConfigError('MSG91_OTP_TEMPLATE_ID', 'the MSG91 template id of the OTP message is required with MSG91_AUTH_KEY');
  const apiUrl = env.MSG91_API_URL ?? 'https://control.msg91.com';
  if (production && !apiUrl.startsWith('https://')) throw new ConfigError('MSG91_API_URL', 'must be https in production');
  return { apiUrl, authKey: env.MSG91_AUTH_KEY, otpTemplateId: env.MSG91_OTP_TEMPLATE_ID, reportToken, timeoutMs: Number(env.MSG91_TIMEOUT_MS ?? 8_000) };
}

function payments(env: NodeJS.ProcessEnv, production: boolean, gatewaySecret: string): PaymentsConfig {
  let secrets: SecretBox;
  if (env.PAYMENT_SECRETS_KEYS) {
    try {
      secrets = SecretBox.parse(env.PAYMENT_SECRETS_KEYS);
    } catch (err) {
      throw new ConfigError('PAYMENT_SECRETS_KEYS', (err as Error).message);
    }
  } else if (production) {
    throw new ConfigError('PAYMENT_SECRETS_KEYS', 'required in production (kid:base64 of 32 random bytes[,…]); it encrypts tenants\' gateway secrets');
  } else {
    secrets = SecretBox.derived(gatewaySecret);
  }
  return {
    razorpayUrl: url(env, 'RAZORPAY_API_URL', ['http:', 'https:']) ?? (production ? 'https://api.razorpay.com' : null),
    cashfreeUrl: url(env, 'CASHFREE_API_URL', ['http:', 'https:']) ?? (production ? 'https://api.cashfree.com/pg' : null),
    timeoutMs: int(env, 'PAYMENT_GATEWAY_TIMEOUT_MS', 8_000, 100, 120_000),
    secrets,
    reconcileAfterMinutes: int(env, 'RECONCILE_AFTER_MINUTES', 30, 1, 7 * 24 * 60),
  };
}

/** Where Apollo Sandbox (the landing page's embed and studio.apollographql.com) sends requests from. */
export const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com', 'https://explorer.embed.apollographql.com'];

function origins(env: NodeJS.ProcessEnv, production: boolean): string[] {
  const raw = env.CORS_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean) ?? [];
  for (const o of raw) {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new ConfigError('CORS_ORIGINS', `"${o}" is not an origin like https://app.example.com`);
    }
    if (u.origin !== o) throw new ConfigError('CORS_ORIGINS', `"${o}" is not an origin like https://app.example.com (no path or trailing slash)`);
  }
  return production ? raw : [...new Set([...raw, ...SANDBOX_ORIGINS])];
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, 'not a valid URL');
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(name, `expected ${protocols.map((p) => `${p}//`).join(' or ')}, got ${u.protocol}//`);
  return raw;
}

function redisUrlFrom(env: NodeJS.ProcessEnv): string | null {
  const raw = env.REDIS_URL;
  if (!raw) return null;
  try {
    parseRedisUrl(raw);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new ConfigError('REDIS_URL', err.message);
    throw err;
  }
  return raw;
}

interface DevSecrets {
  jwtKeys: string;
  gatewaySecret: string;
}

/** Outside production, secrets not given in the environment are generated once per data directory. */
function devSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const ring = KeyRing.generate();
  const secrets: DevSecrets = {
    jwtKeys: ring.keys.map((k) => `${k.kid}:${k.secret}`).join(','),
    gatewaySecret: randomBytes(32).toString('base64url'),
  };
  // `pnpm dev` starts six processes at once: each writes a whole file aside and links it into place;
  // the link is atomic and fails when the file exists, so the first wins and the others read its secrets.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  } catch (err) {
    throw new ConfigError('STUDYSPOT_DATA_DIR', `cannot keep generated development secrets in ${dataDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    linkSync(tmp, file);
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  } finally {
    unlinkSync(tmp);
  }
}

function platformGateway(env: NodeJS.ProcessEnv): Config['platformGateway'] {
  const keyId = env.PLATFORM_RAZORPAY_KEY_ID;
  const keySecret = env.PLATFORM_RAZORPAY_KEY_SECRET;
  const webhookSecret = env.PLATFORM_RAZORPAY_WEBHOOK_SECRET;
  if (!keyId && !keySecret && !webhookSecret) return null;
  if (!keyId || !keySecret || !webhookSecret) throw new ConfigError('PLATFORM_RAZORPAY_KEY_ID', 'set PLATFORM_RAZORPAY_KEY_ID, PLATFORM_RAZORPAY_KEY_SECRET and PLATFORM_RAZORPAY_WEBHOOK_SECRET together');
  return { keyId, keySecret, webhookSecret };
}

function creditPrice(env: NodeJS.ProcessEnv): number {
  const raw = env.PLATFORM_CREDIT_PRICE_PAISE ?? '25';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new ConfigError('PLATFORM_CREDIT_PRICE_PAISE', `expected whole paise from 1 to 10000, got "${raw}"`);
  return n;
}

function platformState(env: NodeJS.ProcessEnv): string {
  const s = env.PLATFORM_STATE ?? 'MH';
  if (!/^[A-Z]{2}$/.test(s)) throw new ConfigError('PLATFORM_STATE', 'the two-letter code of an Indian state or union territory, e.g. MH');
  return s;
}

function tenantDbPrefix(env: NodeJS.ProcessEnv): string {
  const p = env.TENANT_DB_PREFIX ?? 'studyspot_';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(p)) throw new ConfigError('TENANT_DB_PREFIX', 'lowercase letters, digits and _, starting with a letter, at most 31');
  return p;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = redisUrlFrom(env);
  const directUrl = url(env, 'DATABASE_DIRECT_URL', ['postgres:', 'postgresql:']);
  const database = databaseServerFromEnv({ ...env, DATABASE_URL: databaseUrl ?? undefined, DATABASE_DIRECT_URL: directUrl ?? undefined });
  // Embedded databases and generated dev secrets live here (also in services mode, for the secrets).
  const dataDir = env.STUDYSPOT_DATA_DIR ?? join(REPO_ROOT, '.data');

  const needGenerated = !env.JWT_KEYS || !env.GATEWAY_SECRET;
  if (production && !env.JWT_KEYS) throw new ConfigError('JWT_KEYS', 'required in production (kid:secret[,kid:secret…])');
  if (production && !env.GATEWAY_SECRET) throw new ConfigError('GATEWAY_SECRET', 'required in production');
  const generated = needGenerated ? devSecrets(dataDir) : undefined;

  let keyRing: KeyRing;
  try {
    keyRing = KeyRing.parse(env.JWT_KEYS ?? generated!.jwtKeys);
  } catch (err) {
    throw new ConfigError('JWT_KEYS', (err as Error).message);
  }
  const gatewaySecret = env.GATEWAY_SECRET ?? generated!.gatewaySecret;
  if (gatewaySecret.length < 16) throw new ConfigError('GATEWAY_SECRET', 'must be at least 16 characters');

  const mode = env.SUBGRAPH_MODE ?? 'local';
  if (mode !== 'local' && mode !== 'remote') throw new ConfigError('SUBGRAPH_MODE', `expected "local" or "remote", got "${mode}"`);
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => {
      const variable = `SUBGRAPH_${name.toUpperCase()}_URL`;
      return [name, url(env, variable, ['http:', 'https:']) ?? `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`];
    }),
  ) as Record<SubgraphName, string>;

  return {
    production,
    metrics: metricsAccess(env),
    tracesEndpoint: url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']) ?? (url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'])?.replace(/\/$/, '').concat('/v1/traces') ?? null),
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || (production ? '0.0.0.0' : '127.0.0.1'),
    database,
    redisUrl,
    dataDir,
    keyRing,
    gatewaySecret,
    subgraphMode: mode,
    subgraphUrls,
    tenantClients: {
      max: int(env, 'TENANT_CLIENT_MAX', 50, 1, 10_000),
      idleMs: int(env, 'TENANT_CLIENT_IDLE_MS', 5 * 60_000, 100, 24 * 3_600_000),
      poolMax: int(env, 'TENANT_POOL_MAX', 5, 1, 100),
    },
    seedDemo: (env.SEED_DEMO ?? (database.kind === 'pglite' ? '1' : '0')) === '1',
    otpSecret: createHmac('sha256', gatewaySecret).update('studyspot-otp').digest('base64url'),
    tenantPurgeGraceDays: int(env, 'TENANT_PURGE_GRACE_DAYS', 30, 0, 3650),
    trustProxy: env.TRUST_PROXY === '1',
    gatewayPath: gatewayPath(env),
    shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', production ? 5_000 : 0, 0, 120_000),
    ...(env.SUPERGRAPH_PATH ? { supergraphPath: env.SUPERGRAPH_PATH } : {}),
    ...(env.MOVE_LOGICAL_MIN_BYTES ? { moveLogicalMinBytes: int(env, 'MOVE_LOGICAL_MIN_BYTES', 16 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER) } : {}),
    migrateTenantsOnStart: env.MIGRATE_TENANTS_ON_START !== '0',
    tenantDatabasePrefix: tenantDbPrefix(env),
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'studyspot:',
    limits: loadLimits(env),
    live: loadLiveLimits(env),
    platformSeller: { name: env.PLATFORM_LEGAL_NAME ?? 'StudySpot', gstin: env.PLATFORM_GSTIN ?? null, state: platformState(env) },
    platformGateway: platformGateway(env),
    creditPricePaise: creditPrice(env),
    corsOrigins: origins(env, production),
    logOtpCodes: otpLogging(env, production),
    checkInGraceMinutes: int(env, 'CHECK_IN_GRACE_MINUTES', 15, 0, 240),
    payments: payments(env, production, gatewaySecret),
    sms: sms(env, production),
    email: { smtpUrl: env.SMTP_URL ?? null, from: env.EMAIL_FROM ?? 'StudySpot <no-reply@studyspot.local>' },
    publicUrl: publicUrl(env, production),
  };
}

function gatewayPath(env: NodeJS.ProcessEnv): Config['gatewayPath'] {
  const trusted = env.TRUSTED_DOCUMENTS?.trim() || 'off';
  if (trusted !== 'off' && trusted !== 'anonymous' && trusted !== 'all') throw new ConfigError('TRUSTED_DOCUMENTS', `expected "off", "anonymous" or "all", got "${trusted}"`);
  const socketDir = env.SUBGRAPH_SOCKET_DIR?.trim() || null;
  if (socketDir && !socketDir.startsWith('/')) throw new ConfigError('SUBGRAPH_SOCKET_DIR', 'must be an absolute directory path');
  return {
    forward: env.GATEWAY_FORWARD !== '0',
    leanHttp: env.GATEWAY_LEAN_HTTP !== '0',
    trusted,
    trustedFiles: (env.TRUSTED_DOCUMENTS_FILES ?? '').split(',').map((f) => f.trim()).filter(Boolean),
    socketDir,
  };
}

function metricsAccess(env: NodeJS.ProcessEnv): Config['metrics'] {
  const token = env.METRICS_TOKEN || null;
  if (token && token.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  return { token, port: env.METRICS_PORT ? int(env, 'METRICS_PORT', 9464, 0, 65535) : null, host: env.METRICS_HOST ?? '127.0.0.1' };
}

/**
 * Where the outside world reaches the gateway: providers' webhooks and receipt links are built on it.
 * Production must say it (https); elsewhere the gateway's own loopback address is used.
 */
function publicUrl(env: NodeJS.ProcessEnv, production: boolean): string | null {
  const value = url(env, 'PUBLIC_URL', production ? ['https:'] : ['http:', 'https:'])?.replace(/\/$/, '') ?? null;
  if (!value && production) throw new ConfigError('PUBLIC_URL', 'required in production (https://…): payment webhooks and receipt links are built on it');
  return value;
}

export const INSECURE_OTP_LOG_VARIABLE = 'STUDYSPOT_INSECURE_LOG_OTP_CODES';

/**
 * Production never writes OTP codes to the log unless a staging deployment opts in by name: anyone
 * who reads the logs could sign in as any student. There is no SMS provider yet (MSG91 comes with the
 * communications issue), so production refuses to start without the opt-in.
 */
function otpLogging(env: NodeJS.ProcessEnv, production: boolean): boolean {
  const optIn = env[INSECURE_OTP_LOG_VARIABLE];
  if (optIn !== undefined && optIn !== '' && optIn !== '0' && optIn !== '1') throw new ConfigError(INSECURE_OTP_LOG_VARIABLE, `expected 1 or 0, got "${optIn}"`);
  // With MSG91, codes go by SMS.
  if (env.MSG91_AUTH_KEY) return false;
  if (!production) return true;
  if (optIn !== '1') {
    throw new ConfigError(
      INSECURE_OTP_LOG_VARIABLE,
      'production has no SMS provider to send OTP codes (set MSG91_AUTH_KEY) and refuses to write them to the log; set it to 1 only on a staging deployment whose logs are private',
    );
  }
  return true;
}

/** Separate processes cannot share an embedded PGlite directory; the services layout needs a server. */
export function requireDatabaseServer(config: Config, why: string): void {
  if (config.database.kind === 'pglite') {
    throw new ConfigError('DATABASE_URL', `required when ${why} (an embedded PGlite directory can be opened by one process only)`);
  }
}
