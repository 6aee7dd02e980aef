// Ports: what one subgraph asks of another without going through federation. Each interface here is a
// contract; the subgraph that owns the data implements it in its own `src/ports.ts` and provides it
// when its module loads (`providePorts`); others call it through `ports.<name>`. No subgraph imports
// another's code, so the packages form no cycle, and a subgraph's tables stay behind its repositories.
// A process provides every port by loading every subgraph module (the gateway's composition root:
// gateway/src/subgraphs.ts, gateway/src/processes/).
import type { CorePrisma, TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import type { Platform } from './platform.ts';
import type { SubgraphContext } from './context.ts';
import type { EventBus } from './events.ts';
import type { BillingDayFact, BillingFigure, CampusDayFact, CampusFigure, CreditDayFact, DayRange, DueRecord, FactRow, MessagesDayFact, PaymentDayFact, StudentActivity, SubscriptionFact, TenantFact, TicketRecord } from './insight-facts.ts';

export type TenantStatus = 'PROVISIONING' | 'ACTIVE' | 'SUSPENDED' | 'DELETED' | 'FAILED';

/** Owned by tenancy. */
export interface TenantsPort {
  /** The tenant with this slug (trimmed, lower-cased), or null. */
  bySlug(core: CorePrisma, slug: string): Promise<{ id: string; status: TenantStatus } | null>;
  /** The tenant's status, or null when there is no such tenant. */
  status(core: CorePrisma, tenantId: string): Promise<TenantStatus | null>;
  /** What invoices, receipts and webhooks need of a tenant (null: no such tenant). */
  profile(core: CorePrisma, tenantId: string): Promise<TenantProfile | null>;
  /** The tenant a provider's webhook URL names (its webhook key). */
  byWebhookKey(core: CorePrisma, webhookKey: string): Promise<{ id: string; status: TenantStatus } | null>;
  /** Tenants in these statuses, with their slug. */
  withStatuses(core: CorePrisma, statuses: TenantStatus[]): Promise<{ id: string; slug: string }[]>;
  /** Tenants on a test clock (their time is their clock's, not the process's). */
  onTestClocks(core: CorePrisma): Promise<string[]>;
  /** Every tenant (deleted ones too) with the dates that tell its past (insights' platform rollups). */
  facts(core: CorePrisma): Promise<TenantFact[]>;
  /** An ACTIVE tenant suspended for an unpaid platform invoice; false when it was not ACTIVE. */
  suspendForUnpaid(core: CorePrisma, tenantId: string, reason: string): Promise<boolean>;
  /** A tenant suspended for an unpaid invoice made ACTIVE again; false when it was not suspended for that. */
  reactivateAfterPayment(core: CorePrisma, tenantId: string): Promise<boolean>;
  /** Records the tenant's current plan (shown with the tenant). */
  setPlan(core: CorePrisma, tenantId: string, planId: string): Promise<void>;
}

export interface TenantProfile {
  id: string;
  slug: string;
  name: string;
  legalName: string | null;
  gstin: string | null;
  state: string | null;
  status: TenantStatus;
  webhookKey: string;
}

/** Owned by identity. */
export interface AccountsPort {
  /** The phone of an account (a student account made by staff is matched to its record by phone). */
  phoneOf(core: CorePrisma, userId: string): Promise<string | null>;
  /** Those of these ids that are staff accounts of the tenant, with their email. */
  staffOf(core: CorePrisma, tenantId: string, ids: string[]): Promise<{ id: string; email: string | null }[]>;
  /** Active accounts who may work a branch: the owners, and managers and staff limited to it or to none; oldest first. */
  branchStaff(core: CorePrisma, tenantId: string, libraryId: string): Promise<{ id: string; name: string; role: 'OWNER' | 'MANAGER' | 'STAFF' }[]>;
  /** A student's own account (the one with their id, else the tenant's student account with their phone), to tell them things in-app. */
  studentAccount(core: CorePrisma, tenantId: string, studentId: string, phone: string): Promise<string | null>;
  /** Managers and staff of a tenant (what the plan's staff limit counts). */
  countStaff(core: CorePrisma, tenantId: string): Promise<number>;
  /** How many audit entries of an action were written in [from, to), optionally with details.from = `detailsFrom`. */
  countActions(core: CorePrisma, action: string, from: Date, to: Date, detailsFrom?: string): Promise<number>;
}

type Named = { name: string };

/** An allocation with the names a message about it needs. */
export type NamedAllocation = { id: string; studentId: string; startDate: Date; holdExpiresAt: Date | null; student: Named; seat: { label: string }; shift: Named; library: Named };

/** A tenant database client inside a transaction. */
export type TenantTx = TenantPrismaNs.TransactionClient;

export interface AllocationForDues {
  id: string;
  studentId: string;
  libraryId: string;
  kind: 'MONTHLY' | 'DAY_PASS';
  status: string;
  startDate: Date;
  endDate: Date;
  pausedFrom: Date | null;
  pausedUntil: Date | null;
  pricePaise: number;
  updatedAt: Date;
}

/** Owned by campus: reads on the tenant database the caller holds, and admissions' one write (`admit`). */
export interface CampusPort {
  studentByPhone(db: TenantPrisma, phone: string): Promise<{ id: string; name: string; status: string } | null>;
  /** The students whose id begins with these 12 lower-case hex digits (a referral code names one): at most 2. */
  studentsByIdPrefix(db: TenantPrisma, hex12: string): Promise<{ id: string; name: string; phone: string; status: string }[]>;
  /** Whether every id names a library of the tenant. */
  librariesExist(db: TenantPrisma, ids: string[]): Promise<boolean>;
  /** Name, email, phone, status and branch of these students. */
  students(db: TenantPrisma, ids: readonly string[]): Promise<{ id: string; name: string; email: string | null; phone: string; status: string; libraryId: string | null }[]>;
  /** The student record of a signed-in account: the same id, else the record with the account's phone. */
  studentOfAccount(core: CorePrisma, db: TenantPrisma, userId: string): Promise<string | null>;
  /** Name, address, city and state of these libraries. */
  libraries(db: TenantPrisma, ids: readonly string[]): Promise<{ id: string; name: string; address: string; city: string; state: string | null }[]>;
  /** Ids of the allocations in a shift (a dues list filtered by shift); none for an id that is not one. */
  allocationIdsInShift(db: TenantPrisma, shiftId: string): Promise<string[]>;
  /** Allocations changed since an instant (billing's repair pass). */
  allocationsChangedSince(db: TenantPrisma, since: Date): Promise<{ id: string; updatedAt: Date }[]>;
  /** An allocation as its dues need it, locked for the rest of the caller's transaction. */
  lockAllocationForDues(tx: TenantTx, allocationId: string): Promise<AllocationForDues | null>;
  /** Libraries, seats and students (not left) of the tenant: its usage against the plan. */
  usage(db: TenantPrisma): Promise<{ libraries: number; seats: number; students: number }>;
  /** A campaign's audience: students by status, branch and shift (a live allocation in it on `today`), by id, at most 50,000. */
  audience(db: TenantPrisma, a: { status: 'ACTIVE' | 'SUSPENDED' | 'LEFT'; libraryId?: string | null; shiftId?: string | null }, today: Date): Promise<{ id: string; name: string }[]>;
  /** Allocations made active since an instant, with names (at most 5,000). */
  activatedSince(db: TenantPrisma, since: Date): Promise<NamedAllocation[]>;
  /** Seats on offer now, with names (at most 5,000). */
  heldOffers(db: TenantPrisma, now: Date): Promise<NamedAllocation[]>;
  /** Active allocations started by a day and running through `today` (at most 5,000). */
  activeSince(db: TenantPrisma, startedBy: Date, today: Date): Promise<{ studentId: string; startDate: Date; library: Named; student: Named }[]>;
  /** Each of these students' latest check-in. */
  lastCheckIns(db: TenantPrisma, studentIds: readonly string[]): Promise<Map<string, Date>>;
  /** For each span, the instant `minutes` of the library's opening hours after `from` (help-desk SLA deadlines; the library read once). */
  openDeadlines(db: TenantPrisma, libraryId: string, spans: readonly { from: Date; minutes: number }[]): Promise<Date[]>;
  /** Minutes of the library's opening hours in [from, to) (a help-desk SLA's pause). */
  openMinutesBetween(db: TenantPrisma, libraryId: string, from: Date, to: Date): Promise<number>;
  /** Shift and library names, for a lead's preferences (missing ids are left out). */
  shifts(db: TenantPrisma, ids: readonly string[]): Promise<{ id: string; name: string; libraryId: string }[]>;
  /** Seats of a library free in a shift for every day of [from, to] (not under maintenance); null: the shift is not one of the library's. */
  freeSeats(db: TenantPrisma, a: { libraryId: string; shiftId: string; from: Date; to: Date }): Promise<FreeSeat[] | null>;
  /**
   * Admissions' one write into campus: the student with this phone (created when there is none), and
   * with `seat`, their allocation of it from `startDate` (an allocation of the same seat, shift and
   * start already made for them is returned, so a retried admission makes nothing twice). Runs as the
   * request's caller (their branch limits and the plan's limits apply); the allocation raises its dues.
   */
  admit(ctx: SubgraphContext, tenantId: string, a: Admission): Promise<Admitted | { error: AdmissionError }>;
  /** Each library's days in the range (insights' rollups; insight-facts.ts). */
  dayFacts(db: TenantPrisma, range: DayRange, libraryIds: readonly string[] | null): Promise<CampusDayFact[]>;
  /** The rows behind one campus figure of a library's day (a drill-down), at most `take`. */
  dayRows(db: TenantPrisma, a: { libraryId: string; day: Date; figure: CampusFigure; now: Date; take: number }): Promise<FactRow[]>;
  /** The first day campus has anything on (a visit or an allocation); null: nothing yet. */
  firstDay(db: TenantPrisma): Promise<Date | null>;
  /** Students who held a seat at some time in [from, to], with their visit days (insights' risk scores). */
  studentActivity(db: TenantPrisma, from: Date, to: Date, libraryIds: readonly string[] | null): Promise<StudentActivity[]>;
}

export interface FreeSeat {
  id: string;
  label: string;
  zone: string | null;
  kind: string;
}

export interface Admission {
  name: string;
  phone: string;
  email?: string | null;
  libraryId: string;
  seat?: { seatId: string; shiftId: string; startDate: Date; endDate: Date; pricePaise?: number | null } | null;
}

export interface Admitted {
  studentId: string;
  /** Whether this call made the student (false: one with the phone existed). */
  createdStudent: boolean;
  allocationId: string | null;
}

export interface AdmissionError {
  code: 'NOT_FOUND' | 'INVALID_INPUT' | 'INVALID_STATE' | 'SEAT_UNAVAILABLE' | 'PLAN_LIMIT' | 'DUPLICATE';
  message: string;
  field: string[] | null;
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
  /** Paise captured from each student inside their window [from, to) (admissions' "fees in the first 3 months"). */
  paidInWindows(db: TenantPrisma, windows: { studentId: string; from: Date; to: Date }[]): Promise<Map<string, number>>;
  /** Each of these students' first captured payment (refunded since or not). */
  firstPayments(db: TenantPrisma, studentIds: readonly string[]): Promise<Map<string, { paymentId: string; amountPaise: number; capturedAt: Date }>>;
  /** Processed refunds of these payments. */
  refundsOf(db: TenantPrisma, paymentIds: readonly string[]): Promise<{ paymentId: string; amountPaise: number; processedAt: Date | null }[]>;
  /** Up to `amountPaise` off the student's next open due (a DISCOUNT adjustment); null when no due owes anything now. The same key again answers what that call gave. */
  discountNextDue(db: TenantPrisma, a: { studentId: string; amountPaise: number; reason: string; idempotencyKey: string }): Promise<{ dueId: string; amountPaise: number } | null>;
  /** Takes back the discount given under the key (a paid due opens again for it); the paise taken back (0: none given, or its due is void). Repeats take nothing more. */
  reverseDiscount(db: TenantPrisma, a: { idempotencyKey: string; reason: string }): Promise<number>;
  /** Payments captured since an instant, with their receipt number (at most 5,000). */
  capturedSince(db: TenantPrisma, since: Date): Promise<{ id: string; studentId: string; amountPaise: number; receipt: { number: string } | null }[]>;
  /** Each library's money per day in the range (insights' rollups; insight-facts.ts). */
  dayFacts(db: TenantPrisma, range: DayRange, libraryIds: readonly string[] | null): Promise<BillingDayFact[]>;
  /** The rows behind one billing figure of a library's day (a drill-down), at most `take`. */
  dayRows(db: TenantPrisma, a: { libraryId: string; day: Date; figure: BillingFigure; take: number }): Promise<FactRow[]>;
  /** The first day billing has anything on (a due or a payment); null: nothing yet. */
  firstDay(db: TenantPrisma): Promise<Date | null>;
  /** The dues of these students (void ones left out), with the day each was paid in full. */
  dueRecords(db: TenantPrisma, studentIds: readonly string[]): Promise<DueRecord[]>;
  /** Every tenant's subscription as it is now (insights' platform rollups). */
  subscriptionFacts(core: CorePrisma): Promise<SubscriptionFact[]>;
  /** The tenant's fee payments per IST day and provider in the range. */
  paymentDays(db: TenantPrisma, range: Pick<DayRange, 'from' | 'to'>): Promise<PaymentDayFact[]>;
  /** The platform's SMS credit trade per IST day in the range (every day, none left out), with each tenant's credits used. */
  creditDays(core: CorePrisma, range: Pick<DayRange, 'from' | 'to'>): Promise<CreditDayFact[]>;
}

/** Owned by communications. */
export interface MessagesPort {
  /** Records a phone's consent to promotional and service-explicit SMS (true) or its withdrawal (false). */
  consent(db: TenantPrisma, phone: string, promotional: boolean): Promise<void>;
  /**
   * An SMS through an approved DLT template to a phone (credits held, consent and the promotional
   * window checked, idempotent by key), as the messages the sendSms mutation sends.
   */
  sms(ctx: SubgraphContext, tenantId: string, db: TenantPrisma, i: { templateId: string; vars: string[]; phone: string; idempotencyKey: string }): Promise<{ messageId: string; status: string } | { error: { code: 'INVALID_INPUT' | 'NOT_FOUND' | 'TEMPLATE_NOT_APPROVED' | 'CONSENT_REQUIRED' | 'INSUFFICIENT_CREDITS' | 'DUPLICATE'; message: string } }>;
  /** In-app notifications to these accounts of the tenant (each account's preferences decide), published live; returns how many were made. */
  inApp(deps: { db: TenantPrisma; events: EventBus; tenantId: string }, i: { userIds: string[]; category: 'FEES' | 'ATTENDANCE' | 'SEATS' | 'ANNOUNCEMENTS' | 'ACCOUNT' | 'ADMISSIONS' | 'SUPPORT'; title: string; body: string; urgent?: boolean }): Promise<number>;
  /** The tenant's SMS per day in the range (insights' rollups). */
  dayFacts(db: TenantPrisma, range: DayRange): Promise<MessagesDayFact[]>;
}

/** Owned by engagement. */
export interface EngagementPort {
  /** Help-desk tickets for these students: when each was raised and resolved (null: still open). */
  ticketsOf(db: TenantPrisma, studentIds: readonly string[]): Promise<TicketRecord[]>;
}

/** Owned by insights. */
export interface InsightsPort {
  /** Students holding a seat today whose chance of leaving in the next 30 days is at least `threshold` (0–1). */
  atRisk(db: TenantPrisma, now: Date, threshold: number): Promise<string[]>;
}

export interface Ports {
  tenants: TenantsPort;
  accounts: AccountsPort;
  campus: CampusPort;
  billing: BillingPort;
  messages: MessagesPort;
  engagement: EngagementPort;
  insights: InsightsPort;
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
