// The one place that hands out a tenant's Prisma client. A bounded cache of clients keyed by
// database location: concurrent first use opens one client, idle clients are evicted after a grace
// period, a client with an open lease (a request using it) is never closed, and shutdown closes all.
import type { DatabaseTarget } from './targets.ts';
import { describeTarget, poolWaitMs } from './targets.ts';
import type { OpenClient, TenantPrisma } from './clients.ts';

export type TenantStatus = 'PROVISIONING' | 'ACTIVE' | 'SUSPENDED' | 'FAILED' | 'DELETED';

export interface TenantLocation {
  id: string;
  status: TenantStatus;
  target: DatabaseTarget;
  /** The tenant's database has not had every migration this code needs (the migration job has not reached it). */
  schemaBehind?: boolean;
}

export type TenantAccessErrorCode = 'TENANT_NOT_FOUND' | 'TENANT_SUSPENDED' | 'TENANT_UNAVAILABLE' | 'TENANT_SCHEMA_BEHIND' | 'SHUTTING_DOWN' | 'CONNECTION_BUDGET';

/** Typed failure of tenant database access; the GraphQL layer maps `code` to an error code. */
export class TenantAccessError extends Error {
  constructor(
    readonly code: TenantAccessErrorCode,
    readonly tenantId: string,
    message: string,
  ) {
    super(message);
    this.name = 'TenantAccessError';
  }
}

export interface TenantClientCacheOptions {
  /** Looks the tenant up in the core database; null when there is no such tenant. */
  resolve(tenantId: string): Promise<TenantLocation | null>;
  open(target: DatabaseTarget): Promise<OpenClient<TenantPrisma>>;
  /**
   * Most clients open at once: with each client's pool this is the process's budget of tenant
   * connections (maxClients × poolMax). A lease that needs a new client while every open one is
   * leased waits for one to be released, up to `budgetWaitMs`, then fails with CONNECTION_BUDGET.
   */
  maxClients?: number;
  /** How long a lease waits for room under `maxClients` (default: DATABASE_POOL_WAIT_MS, 15 s). */
  budgetWaitMs?: number;
  /** A client unused for this long is closed. */
  idleMs?: number;
  /** How long a tenant lookup is trusted; bounds how late a suspension takes effect. */
  resolveTtlMs?: number;
  now?: () => number;
}

export interface TenantLease {
  prisma: TenantPrisma;
  tenantId: string;
  release(): void;
}

export interface TenantClientStats {
  hits: number;
  misses: number;
  evictions: number;
  open: number;
  leased: number;
  /** Leases that had to wait for room because every open client was leased (the budget was full). */
  overflows: number;
  /** Leases waiting for room right now. */
  waiting: number;
  /** Clients being closed (their connections count against the budget until they are). */
  closing: number;
}

interface Entry {
  key: string;
  client: Promise<OpenClient<TenantPrisma>>;
  leases: number;
  lastUsed: number;
  ready: boolean;
}

export class TenantClientCache {
  private readonly entries = new Map<string, Entry>();
  private readonly locations = new Map<string, { at: number; loc: Promise<TenantLocation | null> }>();
  private readonly closing = new Set<Promise<void>>();
  private readonly maxClients: number;
  private readonly budgetWaitMs: number;
  /** Leases waiting for room: woken whenever a client is released or closed. */
  private readonly waiters = new Set<() => void>();
  /** Places under the budget taken by leases about to open their client. */
  private reserved = 0;
  /** Leases waiting for a place, in arrival order. */
  private readonly queue: object[] = [];
  private readonly idleMs: number;
  private readonly resolveTtlMs: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private shutDown = false;
  private counters = { hits: 0, misses: 0, evictions: 0, overflows: 0 };

  constructor(private readonly opts: TenantClientCacheOptions) {
    this.maxClients = opts.maxClients ?? 50;
    this.budgetWaitMs = opts.budgetWaitMs ?? poolWaitMs();
    this.idleMs = opts.idleMs ?? 5 * 60_000;
    this.resolveTtlMs = opts.resolveTtlMs ?? 1_000;
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => this.evictIdle(), Math.max(50, Math.min(this.idleMs / 2, 30_000)));
    this.sweeper.unref();
  }

  stats(): TenantClientStats {
    let leased = 0;
    for (const e of this.entries.values()) if (e.leases > 0) leased++;
    return { ...this.counters, open: this.entries.size, leased, waiting: this.queue.length, closing: this.closing.size };
  }

  /**
   * Leases the tenant's client; call `release()` when the request is done with it.
   * `allowSuspended` lets platform staff keep working on a suspended tenant.
   */
  async lease(tenantId: string, opts: { allowSuspended?: boolean } = {}): Promise<TenantLease> {
    if (this.shutDown) throw new TenantAccessError('SHUTTING_DOWN', tenantId, 'server is shutting down');
    const loc = await this.locate(tenantId, opts.allowSuspended);
    const key = describeTarget(loc.target);
    // Without room now (or with leases already queued for it), wait in turn; a place found after
    // waiting is reserved until the client is in the map.
    if (!this.entries.has(key)) {
      const way = this.queue.length ? false : this.makeWay();
      if (way !== true && (await this.roomFor(key, tenantId, way))) this.reserved--;
    }
    let entry = this.entries.get(key);
    if (entry) {
      this.counters.hits++;
    } else {
      this.counters.misses++;
      entry = { key, client: this.opts.open(loc.target), leases: 0, lastUsed: this.now(), ready: false };
      this.entries.set(key, entry);
      const created = entry;
      created.client.then(
        () => (created.ready = true),
        () => {
          if (this.entries.get(key) === created) this.entries.delete(key);
          this.wake();
        },
      );
    }
    entry.leases++;
    entry.lastUsed = this.now();
    let client: OpenClient<TenantPrisma>;
    try {
      client = await entry.client;
    } catch (err) {
      entry.leases--;
      throw new TenantAccessError('TENANT_UNAVAILABLE', tenantId, `tenant database unavailable: ${(err as Error).message}`);
    }
    let released = false;
    const held = entry;
    return {
      prisma: client.prisma,
      tenantId,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        held.lastUsed = this.now();
        if (held.leases === 0) this.wake();
      },
    };
  }

  /** Runs `fn` with the tenant's client leased for its whole duration. */
  async withTenant<T>(tenantId: string, fn: (prisma: TenantPrisma) => Promise<T>, opts: { allowSuspended?: boolean } = {}): Promise<T> {
    const lease = await this.lease(tenantId, opts);
    try {
      return await fn(lease.prisma);
    } finally {
      lease.release();
    }
  }

  /** Forgets what is known of a tenant (after suspension, deletion or a move). */
  invalidate(tenantId: string): void {
    this.locations.delete(tenantId);
  }

  /** Closes the cached client of a database that is about to be dropped (unless a request holds it). */
  async evictDatabase(target: DatabaseTarget): Promise<void> {
    const e = this.entries.get(describeTarget(target));
    if (e && e.leases === 0) {
      this.closeEntry(e);
      await Promise.all([...this.closing]);
    }
  }

  /** Throws a TenantAccessError unless the tenant exists and is active (same 1 s trust as leases). */
  async assertActive(tenantId: string): Promise<void> {
    await this.locate(tenantId);
  }

  private async locate(tenantId: string, allowSuspended = false): Promise<TenantLocation> {
    const cached = this.locations.get(tenantId);
    let locPromise: Promise<TenantLocation | null>;
    if (cached && this.now() - cached.at < this.resolveTtlMs) {
      locPromise = cached.loc;
    } else {
      locPromise = this.opts.resolve(tenantId);
      this.locations.set(tenantId, { at: this.now(), loc: locPromise });
      locPromise.catch(() => this.locations.delete(tenantId));
    }
    const loc = await locPromise;
    if (!loc || loc.status === 'DELETED') throw new TenantAccessError('TENANT_NOT_FOUND', tenantId, 'no such tenant');
    if (loc.status === 'SUSPENDED' && !allowSuspended) throw new TenantAccessError('TENANT_SUSPENDED', tenantId, 'tenant is suspended');
    if (loc.status !== 'ACTIVE' && loc.status !== 'SUSPENDED') throw new TenantAccessError('TENANT_UNAVAILABLE', tenantId, `tenant is ${loc.status.toLowerCase()}`);
    if (loc.schemaBehind) throw new TenantAccessError('TENANT_SCHEMA_BEHIND', tenantId, 'tenant database awaits a migration');
    return loc;
  }

  /**
   * Whether a client for a new database fits now: clients open and clients still closing (their
   * connections are not gone yet) under the bound. When not, the least recently used idle client is
   * closed to make way (the caller waits for it to finish closing); false either way.
   */
  private makeWay(): boolean | 'full' {
    if (this.entries.size + this.closing.size + this.reserved < this.maxClients) return true;
    let lru: Entry | null = null;
    for (const e of this.entries.values()) if (e.leases === 0 && e.ready && (!lru || e.lastUsed < lru.lastUsed)) lru = e;
    if (lru) this.closeEntry(lru);
    return lru || this.closing.size ? false : 'full';
  }

  /**
   * Waits until a client for `key` exists or fits (see maxClients); CONNECTION_BUDGET after
   * budgetWaitMs. Leases wait in turn (first come, first served: only the head of the queue may take
   * a place, so none starves while others keep taking them). True when it reserved a place (the
   * caller gives it back as it opens the client).
   */
  private async roomFor(key: string, tenantId: string, first: false | 'full'): Promise<boolean> {
    // Every client leased: the budget is full (a wait for a client being closed is not counted).
    if (first === 'full') this.counters.overflows++;
    const turn = {};
    this.queue.push(turn);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.wake();
    }, this.budgetWaitMs);
    try {
      for (;;) {
        if (this.entries.has(key)) return false;
        if (this.queue[0] === turn && this.makeWay() === true) {
          this.reserved++;
          return true;
        }
        if (timedOut) throw new TenantAccessError('CONNECTION_BUDGET', tenantId, `all ${this.maxClients} tenant clients of this process stayed in use for ${this.budgetWaitMs} ms`);
        if (this.shutDown) throw new TenantAccessError('SHUTTING_DOWN', tenantId, 'server is shutting down');
        await new Promise<void>((resolve) => this.waiters.add(resolve));
      }
    } finally {
      clearTimeout(timer);
      this.queue.splice(this.queue.indexOf(turn), 1);
      // The next in line looks again.
      this.wake();
    }
  }

  private wake(): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const w of all) w();
  }

  private evictIdle(): void {
    const cutoff = this.now() - this.idleMs;
    for (const e of this.entries.values()) if (e.leases === 0 && e.ready && e.lastUsed <= cutoff) this.closeEntry(e);
  }

  private closeEntry(e: Entry): void {
    this.entries.delete(e.key);
    this.counters.evictions++;
    const closing = e.client.then((c) => c.close()).catch(() => {});
    this.closing.add(closing);
    void closing.finally(() => {
      this.closing.delete(closing);
      this.wake();
    });
  }

  /** Closes every client. New leases are refused; clients still leased are closed after their release or after `graceMs`. */
  async close(graceMs = 5_000): Promise<void> {
    this.shutDown = true;
    this.wake();
    clearInterval(this.sweeper);
    const deadline = Date.now() + graceMs;
    while ([...this.entries.values()].some((e) => e.leases > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const e of [...this.entries.values()]) this.closeEntry(e);
    await Promise.all([...this.closing]);
  }
}
