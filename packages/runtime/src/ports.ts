// Ports: what one subgraph asks of another without going through federation. Each interface here is a
// contract; the subgraph that owns the data implements it in its own `src/ports.ts` and provides it
// when its module loads (`providePorts`); others call it through `ports.<name>`. No subgraph imports
// another's code, so the packages form no cycle, and a subgraph's tables stay behind its repositories.
// A process provides every port by loading every subgraph module (the gateway's composition root:
// gateway/src/subgraphs.ts, gateway/src/processes/).
import type { CorePrisma, TenantPrisma } from '@studyspot/db';
import type { Platform } from './platform.ts';
import type { SubgraphContext } from './context.ts';

export type TenantStatus = 'PROVISIONING' | 'ACTIVE' | 'SUSPENDED' | 'DELETED' | 'FAILED';

/** Owned by tenancy. */
export interface TenantsPort {
  /** The tenant with this slug (trimmed, lower-cased), or null. */
  bySlug(core: CorePrisma, slug: string): Promise<{ id: string; status: TenantStatus } | null>;
  /** The tenant's status, or null when there is no such tenant. */
  status(core: CorePrisma, tenantId: string): Promise<TenantStatus | null>;
}

/** Owned by identity. */
export interface AccountsPort {
  /** The phone of an account (a student account made by staff is matched to its record by phone). */
  phoneOf(core: CorePrisma, userId: string): Promise<string | null>;
  /** Those of these ids that are staff accounts of the tenant, with their email. */
  staffOf(core: CorePrisma, tenantId: string, ids: string[]): Promise<{ id: string; email: string | null }[]>;
}

type Named = { name: string };

/** Owned by campus: read-only, on the tenant database the caller holds. */
export interface CampusPort {
  studentByPhone(db: TenantPrisma, phone: string): Promise<{ id: string; name: string; status: string } | null>;
  /** Whether every id names a library of the tenant. */
  librariesExist(db: TenantPrisma, ids: string[]): Promise<boolean>;
  /** Name, email, phone and status of these students. */
  students(db: TenantPrisma, ids: readonly string[]): Promise<{ id: string; name: string; email: string | null; phone: string; status: string }[]>;
  /** A campaign's audience: students by status, branch and shift (a live allocation in it on `today`), by id, at most 50,000. */
  audience(db: TenantPrisma, a: { status: 'ACTIVE' | 'SUSPENDED' | 'LEFT'; libraryId?: string | null; shiftId?: string | null }, today: Date): Promise<{ id: string; name: string }[]>;
  /** Allocations made active since an instant, with names (at most 5,000). */
  activatedSince(db: TenantPrisma, since: Date): Promise<{ id: string; studentId: string; startDate: Date; holdExpiresAt: Date | null; student: Named; seat: { label: string }; shift: Named; library: Named }[]>;
  /** Seats on offer now, with names (at most 5,000). */
  heldOffers(db: TenantPrisma, now: Date): Promise<{ id: string; studentId: string; startDate: Date; holdExpiresAt: Date | null; student: Named; seat: { label: string }; shift: Named; library: Named }[]>;
  /** Active allocations started by a day and running through `today` (at most 5,000). */
  activeSince(db: TenantPrisma, startedBy: Date, today: Date): Promise<{ studentId: string; startDate: Date; library: Named; student: Named }[]>;
  /** Each of these students' latest check-in. */
  lastCheckIns(db: TenantPrisma, studentIds: readonly string[]): Promise<Map<string, Date>>;
}

export type PlanLimitName = 'libraries' | 'seats' | 'students' | 'staff';

export interface PlanLimitBreach {
  limit: PlanLimitName;
  maximum: number;
  current: number;
  adding: number;
  plan: string;
  message: string;
}

export interface Reservation {
  id: string;
  tenantId: string;
  credits: number;
  status: 'HELD' | 'COMMITTED' | 'RELEASED';
}

/** SMS credits: safe across processes and repeats (idempotency keys, reservation ids; no overdraft). */
export interface CreditsPort {
  /** Holds `credits` of the tenant's wallet; INSUFFICIENT_CREDITS leaves the wallet untouched. */
  reserve(i: { tenantId: string; credits: number; idempotencyKey: string; purpose?: string; ttlSeconds?: number }): Promise<Reservation | { error: 'INSUFFICIENT_CREDITS'; message: string }>;
  /** Spends a held reservation (the provider accepted the message). Repeats are no-ops. */
  commit(reservationId: string): Promise<void>;
  /** Returns a held reservation to the wallet (the message failed). Repeats are no-ops. */
  release(reservationId: string): Promise<void>;
  /** Spends at once, without a reservation. */
  consume(i: { tenantId: string; credits: number; idempotencyKey: string; memo?: string }): Promise<{ transactionId: string } | { error: 'INSUFFICIENT_CREDITS'; message: string }>;
  /** Releases reservations nobody settled before they expired; returns how many. */
  releaseExpired(now?: Date): Promise<number>;
}

type OpenDue = { studentId: string; dueDate: Date; amountPaise: number; adjustmentPaise: number; paidPaise: number };

/** Owned by billing. */
export interface BillingPort {
  credits(platform: Pick<Platform, 'core' | 'events'>): CreditsPort;
  /** Brings an allocation's dues in line after campus changed it (idempotent). */
  syncAllocationDues(ctx: SubgraphContext, tenantId: string, allocationId: string): Promise<void>;
  /** Null when `adding` more fit the tenant's plan; `count` (what the caller owns) is called only when the plan has that limit. */
  checkPlanLimit(core: CorePrisma, tenantId: string, limit: PlanLimitName, adding: number, count: () => Promise<number>): Promise<PlanLimitBreach | null>;
  /** Open dues of these students. */
  openDuesOf(db: TenantPrisma, studentIds: readonly string[]): Promise<OpenDue[]>;
  /** Open dues falling due on a day, or in a range (at most 5,000). */
  openDuesDue(db: TenantPrisma, when: { equals: Date } | { lt: Date; gte: Date }): Promise<(OpenDue & { id: string })[]>;
  /** Payments captured since an instant, with their receipt number (at most 5,000). */
  capturedSince(db: TenantPrisma, since: Date): Promise<{ id: string; studentId: string; amountPaise: number; receipt: { number: string } | null }[]>;
}

export interface Ports {
  tenants: TenantsPort;
  accounts: AccountsPort;
  campus: CampusPort;
  billing: BillingPort;
}

const provided: Partial<Ports> = {};

/** Called by the owning subgraph when its module loads. */
export function providePorts(p: Partial<Ports>): void {
  Object.assign(provided, p);
}

/** The ports of this process; a port whose owner was not loaded fails loudly, naming it. */
export const ports: Ports = new Proxy({} as Ports, {
  get(_t, name: string) {
    const p = provided[name as keyof Ports];
    if (!p) throw new Error(`The ${name} port is not provided in this process: load the subgraph that owns it (gateway/src/subgraphs.ts)`);
    return p;
  },
});
