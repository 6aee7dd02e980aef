// Background work that follows what is due, not how many tenants there are. Each tenant has, per kind
// (campus, billing, messages), the time its next work is due (core table tenant_work):
//   - code that creates due work (a seat hold, a check-in, a payment order, a deferred SMS…) says when
//     it falls due: `platform.work.due(tenantId, kind, at)` keeps the earliest time;
//   - a sweep claims only rows whose time has come (FOR UPDATE SKIP LOCKED + a lease, so across
//     replicas one process works a tenant at a time and a crashed one's lease lapses), does the
//     tenant's work, and records the next due time its database shows (or none);
//   - work scheduled while a sweep holds the row is kept (pending_at) and wins if earlier.
// An idle tenant costs nothing: no row is due, no database is opened. A tenant on a test clock is
// never claimed: its work runs only when its clock is advanced (tenant-clocks.ts).
import { clock } from '../clock.ts';
import type { CorePrisma } from '@studyspot/db';
import type { Logger } from '../observability/logger.ts';
import { metrics } from '../observability/metrics.ts';

export type WorkKind = 'campus' | 'billing' | 'messages' | 'engagement' | 'insights';

export interface WorkSchedule {
  /** Work of `kind` for the tenant falls due at `at` (an earlier time already recorded is kept). */
  due(tenantId: string, kind: WorkKind, at?: Date): Promise<void>;
  /** Claims up to `limit` tenants whose work of `kind` is due, for `leaseMs`. */
  claim(kind: WorkKind, limit: number, leaseMs: number, now?: Date): Promise<string[]>;
  /** Releases a claimed tenant with the next time its work is due (null: none known). */
  done(tenantId: string, kind: WorkKind, next: Date | null): Promise<void>;
  /** The earliest due work of these tenants at or before `until` (a test clock's next stop). */
  nextDue(tenantIds: string[], until: Date): Promise<Date | null>;
  /** The work of these tenants due at or before `at`, tenant by tenant. */
  dueAt(tenantIds: string[], at: Date): Promise<{ tenantId: string; kind: WorkKind }[]>;
  /** Holds a tenant's work row while a test clock's advance runs it (as a claim does): work scheduled meanwhile is kept. */
  hold(tenantId: string, kind: WorkKind): Promise<void>;
}

export function workSchedule(core: CorePrisma): WorkSchedule {
  return {
    async due(tenantId, kind, at = clock.now()) {
      await core.$executeRaw`
        INSERT INTO tenant_work (tenant_id, kind, due_at) VALUES (${tenantId}::uuid, ${kind}, ${at})
        ON CONFLICT (tenant_id, kind) DO UPDATE SET
          due_at = LEAST(tenant_work.due_at, EXCLUDED.due_at),
          pending_at = CASE WHEN tenant_work.lease_until > now() THEN LEAST(tenant_work.pending_at, EXCLUDED.due_at) ELSE tenant_work.pending_at END`;
    },
    async claim(kind, limit, leaseMs, now = clock.now()) {
      const rows = await core.$queryRaw<{ tenant_id: string }[]>`
        UPDATE tenant_work w SET lease_until = ${new Date(now.getTime() + leaseMs)}, pending_at = NULL
        FROM (
          SELECT tw.tenant_id FROM tenant_work tw JOIN tenants t ON t.id = tw.tenant_id
          WHERE tw.kind = ${kind} AND tw.due_at <= ${now} AND (tw.lease_until IS NULL OR tw.lease_until < ${now}) AND t.status = 'ACTIVE' AND t.test_clock_id IS NULL
          ORDER BY tw.due_at LIMIT ${limit}
          FOR UPDATE OF tw SKIP LOCKED
        ) due
        WHERE w.tenant_id = due.tenant_id AND w.kind = ${kind}
        RETURNING w.tenant_id`;
      return rows.map((r) => r.tenant_id);
    },
    async done(tenantId, kind, next) {
      await core.$executeRaw`
        UPDATE tenant_work SET due_at = LEAST(${next}::timestamptz, pending_at), pending_at = NULL, lease_until = NULL
        WHERE tenant_id = ${tenantId}::uuid AND kind = ${kind}`;
    },
    async nextDue(tenantIds, until) {
      if (!tenantIds.length) return null;
      const row = await core.tenantWork.findFirst({ where: { tenantId: { in: tenantIds }, dueAt: { lte: until } }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
      return row?.dueAt ?? null;
    },
    async dueAt(tenantIds, at) {
      if (!tenantIds.length) return [];
      const rows = await core.tenantWork.findMany({ where: { tenantId: { in: tenantIds }, dueAt: { lte: at } }, select: { tenantId: true, kind: true } });
      return rows.map((r) => ({ tenantId: r.tenantId, kind: r.kind as WorkKind }));
    },
    async hold(tenantId, kind) {
      await core.$executeRaw`UPDATE tenant_work SET lease_until = now() + interval '5 minutes', pending_at = NULL WHERE tenant_id = ${tenantId}::uuid AND kind = ${kind}`;
    },
  };
}

export interface WorkSweepOptions {
  /** How often the sweep looks for due tenants. */
  intervalMs: number;
  /** Tenants claimed at once; a run keeps claiming while full batches come back, up to `budgetMs`. */
  batch?: number;
  /** How long a claim holds a tenant (longer than one tenant's work can take). */
  leaseMs?: number;
  /** When a run's time is up, the rest waits for the next tick (work is spread, not piled up). */
  budgetMs?: number;
  /** A tenant whose work failed is tried again after this long. */
  retryMs?: number;
}

export interface WorkRunReport {
  tenants: number;
  failed: number;
}

/**
 * One run of a work-driven sweep: claims due tenants in batches and hands each to `work`, which does
 * that tenant's due work and returns when it is next due (null: nothing known).
 */
export async function runDueWork(
  deps: { work: WorkSchedule; logger: Logger },
  kind: WorkKind,
  work: (tenantId: string, now: Date) => Promise<Date | null>,
  opts: Omit<WorkSweepOptions, 'intervalMs'> = {},
  now = () => clock.now(),
): Promise<WorkRunReport> {
  const batch = opts.batch ?? 25;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const budgetMs = opts.budgetMs ?? 50_000;
  const retryMs = opts.retryMs ?? 5 * 60_000;
  const started = performance.now();
  const report: WorkRunReport = { tenants: 0, failed: 0 };
  try {
    for (;;) {
      const claimed = await deps.work.claim(kind, batch, leaseMs, now());
      for (const tenantId of claimed) {
        let next: Date | null;
        const at = now();
        try {
          next = await work(tenantId, at);
        } catch (err) {
          report.failed++;
          deps.logger.error({ err, tenantId, kind }, `${kind} work failed for a tenant`);
          next = new Date(at.getTime() + retryMs);
        }
        await deps.work.done(tenantId, kind, next);
        report.tenants++;
      }
      if (claimed.length < batch || performance.now() - started > budgetMs) break;
    }
  } finally {
    metrics.sweeps.inc({ sweep: kind }, report.tenants);
    metrics.sweepDuration.observe({ sweep: kind }, (performance.now() - started) / 1000);
  }
  return report;
}

/** A stable offset in [0, windowMs) for a tenant: daily work of many tenants is spread over the window. */
export function spreadFor(tenantId: string, windowMs: number): number {
  let h = 0;
  for (let i = 0; i < tenantId.length; i++) h = (h * 31 + tenantId.charCodeAt(i)) >>> 0;
  return h % windowMs;
}

/** The earliest of some times (nulls ignored); null when there are none. */
export function earliest(...times: (Date | null | undefined)[]): Date | null {
  let out: Date | null = null;
  for (const t of times) if (t && (!out || t < out)) out = t;
  return out;
}

/**
 * When a tenant's daily work next runs: the start of the next IST day plus the tenant's own offset
 * within the first `windowMs` (so thousands of tenants do not all start at midnight).
 */
export function nextDailyRun(tenantId: string, now: Date, windowMs = 3_600_000): Date {
  const IST = 330 * 60_000;
  const shifted = new Date(now.getTime() + IST);
  const nextMidnight = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate() + 1) - IST;
  return new Date(nextMidnight + spreadFor(tenantId, windowMs));
}
