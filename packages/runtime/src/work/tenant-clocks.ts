// Test clocks, the runtime half: which tenants read a test clock's time, and the work each subgraph
// registers so that advancing a clock can run, in order, what fell due in between (the tenancy
// subgraph's testclocks/ holds the API and the advance). Outside production only: in production no
// tenant has a clock and `timeFor` answers null without a query.
import type { CorePrisma } from '@studyspot/db';
import type { Platform } from '../platform.ts';
import type { WorkKind } from './work.ts';

/** One tenant's due work of a kind at `now`; returns when its next is due (null: none known). */
export type TenantWork = (platform: Platform, tenantId: string, now: Date) => Promise<Date | null>;
/** Work by calendar day for some tenants (platform billing: trials, renewals, dunning), `day` an IST day. */
export type DailyWork = (platform: Platform, tenantIds: string[], day: string) => Promise<unknown>;

const tenantWork = new Map<WorkKind, TenantWork>();
const dailyWork = new Map<string, DailyWork>();

/** A subgraph's per-tenant work of a kind (its sweep runs the same function). */
export function registerTenantWork(kind: WorkKind, work: TenantWork): void {
  tenantWork.set(kind, work);
}

/** Work a test clock runs once for every IST day it crosses, for its tenants. */
export function registerDailyWork(name: string, work: DailyWork): void {
  dailyWork.set(name, work);
}

export const registeredWork = () => ({ tenant: tenantWork, daily: dailyWork });

const CACHE_MS = 1_000;

export class TenantClocks {
  private readonly cache = new Map<string, { clockId: string | null; until: number }>();

  constructor(
    private readonly core: CorePrisma,
    private readonly production: boolean,
  ) {}

  /** The frozen time of the tenant's test clock, or null (the real clock). */
  async timeFor(tenantId: string | null | undefined): Promise<Date | null> {
    if (this.production || !tenantId) return null;
    const now = Date.now();
    let entry = this.cache.get(tenantId);
    if (!entry || entry.until < now) {
      let t: { testClockId: string | null } | null;
      try {
        t = await this.core.tenant.findUnique({ where: { id: tenantId }, select: { testClockId: true } });
      } catch {
        // The core database is away: this request runs on real time and meets the outage in its own
        // reads (a coded error); nothing is cached, so the next request asks again.
        return null;
      }
      entry = { clockId: t?.testClockId ?? null, until: now + CACHE_MS };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(tenantId, entry);
    }
    if (!entry.clockId) return null;
    const c = await this.core.testClock.findUnique({ where: { id: entry.clockId }, select: { frozenTime: true } });
    return c?.frozenTime ?? null;
  }

  /** After attaching or detaching: this process reads the tenant's clock again at once (others within a second). */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
