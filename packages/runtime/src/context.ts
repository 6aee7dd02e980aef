// What a subgraph resolver sees: who is asking (verified claims from the gateway), the request id,
// a logger bound to both, the tenant database (leased once per request) and per-request DataLoaders.
import type { LiveTrigger } from './live.ts';
import { TenantAccessError, type TenantPrisma } from '@studyspot/db';
import DataLoader from 'dataloader';
import type { Claims } from './security/auth.ts';
import { clock } from './clock.ts';
import { AppError, forbidden, unauthenticated } from './errors.ts';
import type { Logger } from './observability/logger.ts';
import type { Platform } from './platform.ts';
import { actingTenant, can, isPlatformRole, type Permission } from './roles.ts';
import { buildScope, type RequestScope } from './scope.ts';

export interface RequestIdentity {
  requestId: string;
  claims: Claims | null;
  /** Tenant a platform role chose to act on (X-Tenant-Id); ignored for tenant roles. */
  actingTenantId: string | null;
  /** The caller's IP address as the gateway saw it. */
  clientIp?: string | null;
}

export interface AuditEntry {
  action: string;
  tenantId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** Overrides the actor (e.g. the account a successful login signed in). */
  actor?: { id: string; role: Claims['role'] } | null;
}

export class SubgraphContext {
  private childLogger: Logger | undefined;
  readonly clientIp: string | null;
  /** An access token issued by this request (a sign-in); the gateway runs the rest of the operation as its account. */
  signedIn: string | null = null;
  /** Set when the gateway runs a live subscription's root fetch over HTTP (live.ts). */
  liveTrigger: LiveTrigger | null = null;
  private readonly leases = new Map<string, Promise<{ prisma: TenantPrisma; release(): void }>>();
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  private readonly scopes = new Map<string, Promise<RequestScope>>();

  constructor(
    readonly platform: Platform,
    readonly requestId: string,
    readonly claims: Claims | null,
    private readonly actingTenantId: string | null,
    clientIp: string | null = null,
    /** The background job acting (a sweep, the seed): a system scope, with no user behind it. */
    readonly job: string | null = null,
  ) {
    this.clientIp = clientIp;
  }

  /** A logger bound to the request, made on first use (most requests log nothing). */
  get logger(): Logger {
    return (this.childLogger ??= this.platform.logger.child({ requestId: this.requestId, tenantId: this.tenantId ?? undefined, userId: this.claims?.sub }));
  }

  /** The tenant this request works in: the account's own, or the one a platform role acts on. */
  get tenantId(): string | null {
    if (this.job) return this.actingTenantId;
    return this.claims ? actingTenant(this.claims, this.actingTenantId) : null;
  }

  get isPlatform(): boolean {
    return Boolean(this.claims && isPlatformRole(this.claims.role));
  }

  /** Whether a background job (not a user) is acting. */
  get isSystem(): boolean {
    return this.job !== null;
  }

  get core() {
    return this.platform.core;
  }

  get events() {
    return this.platform.events;
  }

  /** Whether the caller is signed in and their role grants `permission`. */
  can(permission: Permission): boolean {
    return Boolean(this.claims && can(this.claims.role, permission));
  }

  /** Throws unless the caller is signed in and their role grants `permission`. */
  authorize(permission: Permission): Claims {
    if (!this.claims) throw unauthenticated();
    if (!can(this.claims.role, permission)) throw forbidden();
    return this.claims;
  }

  /** Like `authorize`, and also requires a tenant to work in; returns its id. */
  authorizeTenant(permission: Permission, tenantId: string | null = this.tenantId): string {
    this.authorize(permission);
    return this.requireTenant(tenantId);
  }

  /** The tenant to work in (after the field's permission was checked): the caller's own, or the one a platform role selected. */
  requireTenant(tenantId: string | null = this.tenantId): string {
    if (this.job) {
      // A job acts on the one tenant it was started for.
      if (!tenantId || tenantId !== this.actingTenantId) throw forbidden(`The ${this.job} job acts on one tenant only`);
      return tenantId;
    }
    if (!this.claims) throw unauthenticated();
    if (!tenantId) throw new AppError('BAD_USER_INPUT', 'No tenant selected: platform roles send the X-Tenant-Id header');
    if (!isPlatformRole(this.claims.role) && this.claims.tenantId !== tenantId) throw forbidden();
    return tenantId;
  }

  /** A tenant-role caller whose tenant is suspended (or gone) gets TENANT_SUSPENDED (or FORBIDDEN). */
  async ensureTenantActive(): Promise<void> {
    if (!this.claims || isPlatformRole(this.claims.role) || !this.claims.tenantId) return;
    try {
      await this.platform.tenants.assertActive(this.claims.tenantId);
    } catch (err) {
      if (err instanceof TenantAccessError && err.code === 'TENANT_NOT_FOUND') throw forbidden('Your tenant no longer exists');
      throw toGraphQLError(err);
    }
  }

  /**
   * The request scope in a tenant (scope.ts): the caller's own, the one a platform role acts on, or one
   * a platform role names by argument — checked by requireTenant, built once per request and tenant.
   */
  scope(tenantId: string | null = this.tenantId): Promise<RequestScope> {
    const id = this.requireTenant(tenantId);
    let s = this.scopes.get(id);
    if (!s) {
      s = buildScope(this, id).catch((err: unknown) => {
        this.scopes.delete(id);
        throw err;
      });
      this.scopes.set(id, s);
    }
    return s;
  }

  /** The tenant this request works in (see requireTenant) and its database, leased for the request. */
  async currentTenant(): Promise<{ tenantId: string; db: TenantPrisma }> {
    const { tenantId, db } = await this.scope();
    return { tenantId, db };
  }

  /** The tenant's Prisma client, leased for the rest of this request. */
  async tenantDb(tenantId: string): Promise<TenantPrisma> {
    let lease = this.leases.get(tenantId);
    if (!lease) {
      lease = this.platform.tenants.lease(tenantId, { allowSuspended: this.isPlatform }).catch((err: unknown) => {
        this.leases.delete(tenantId);
        throw toGraphQLError(err);
      });
      this.leases.set(tenantId, lease);
    }
    return (await lease).prisma;
  }

  /**
   * Runs `fn` at the time of the named tenant (its test clock's, if it has one): a platform admin acting
   * on a tenant by argument gets that tenant's day, as its own users would.
   */
  async atTenantTime<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    return clock.at(await this.platform.clocks.timeFor(tenantId), fn);
  }

  /** One DataLoader per name per request. */
  loader<K, V>(name: string, batch: DataLoader.BatchLoadFn<K, V>): DataLoader<K, V> {
    let l = this.loaders.get(name);
    if (!l) {
      l = new DataLoader(batch as DataLoader.BatchLoadFn<unknown, unknown>);
      this.loaders.set(name, l);
    }
    return l as DataLoader<K, V>;
  }

  /** `compute` run once per tenant per request, e.g. the counts a subgraph adds to Tenant.stats. */
  perTenant<V>(name: string, tenantId: string, compute: (db: TenantPrisma) => Promise<V>): Promise<V> {
    return this.loader<string, V>(`perTenant:${name}`, (ids) => Promise.all(ids.map(async (id) => compute(await this.tenantDb(id))))).load(tenantId);
  }

  /** Appends to the audit log with this request's actor, IP and request id. */
  async audit(entry: AuditEntry): Promise<void> {
    const actor = entry.actor === undefined ? (this.claims ? { id: this.claims.sub, role: this.claims.role } : null) : entry.actor;
    // What a job did has no account behind it: its request id names the job.
    const details = entry.details ?? {};
    await this.core.auditLog.create({
      data: {
        action: entry.action,
        actorId: actor?.id ?? null,
        actorRole: actor?.role ?? null,
        tenantId: entry.tenantId === undefined ? this.tenantId : entry.tenantId,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        ip: this.clientIp,
        requestId: this.requestId,
        details: details as object,
      },
    });
  }

  /** Releases the tenant clients this request leased. */
  async dispose(): Promise<void> {
    const leases = [...this.leases.values()];
    this.leases.clear();
    for (const l of await Promise.allSettled(leases)) if (l.status === 'fulfilled') l.value.release();
  }
}

export function toGraphQLError(err: unknown): unknown {
  if (!(err instanceof TenantAccessError)) return err;
  switch (err.code) {
    case 'TENANT_SUSPENDED':
      return new AppError('TENANT_SUSPENDED', 'This tenant is suspended');
    case 'TENANT_NOT_FOUND':
      return new AppError('NOT_FOUND', 'Tenant not found');
    case 'TENANT_SCHEMA_BEHIND':
      return new AppError('SERVICE_UNAVAILABLE', "This tenant's database is being upgraded; try again shortly", { reason: 'TENANT_SCHEMA_BEHIND' });
    case 'CONNECTION_BUDGET':
      return new AppError('SERVICE_UNAVAILABLE', 'This server is using all of its database connections; try again shortly', { reason: 'CONNECTION_BUDGET', retryable: true });
    default:
      return new AppError('SERVICE_UNAVAILABLE', 'Tenant database is not available right now');
  }
}

/** Resolves entity references in one batch: `rows` must carry `id`; missing ids resolve to null. */
export function byIds<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/** Rows grouped by a key, in their order (DataLoaders that load lists: one pass, not one per key). */
export function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, so lookups answer "not found" without a query. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
