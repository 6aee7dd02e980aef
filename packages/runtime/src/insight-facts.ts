// What the owners of the data answer for insights' daily rollups (subgraphs/insights): one row per
// library and IST day (campus, billing) or per day (messages), computed from their own tables over a
// range of days, and the rows behind one figure for a drill-down. Days are IST dates at 00:00 UTC.

/** A day range, both ends included; `now` bounds what is still open (a visit without a check-out). */
export interface DayRange {
  from: Date;
  to: Date;
  now: Date;
}

/** One library's day as campus sees it. */
export interface CampusDayFact {
  libraryId: string;
  day: Date;
  /** Visits begun that day. */
  checkIns: number;
  /** Distinct students who checked in. */
  uniqueStudents: number;
  /** Student-minutes inside in each IST hour 0–23 (24 entries). */
  occupancyMinutes: number[];
  /** Seats of the library (today's count: seats are not versioned). */
  seats: number;
  /** Allocations holding a seat that day (active, paused or later cancelled, between start and end). */
  allocated: number;
  /** Of them, paused that day. */
  paused: number;
  /** Students whose first allocation began that day. */
  newStudents: number;
  /** Students whose last allocation ended that day (counted once the day is over). */
  leavingStudents: number;
}

/** One library's day as billing sees it (paise). */
export interface BillingDayFact {
  libraryId: string;
  day: Date;
  /** Dues falling due that day (charge after discounts and late fees; void dues left out). */
  duesRaisedPaise: number;
  /** Payments captured that day. */
  collectedPaise: number;
  /**
   * The same money by how late it was for the dues it paid: [on or before the due date, 1–7 days
   * late, 8–30, over 30, not applied to a due (ahead of any due)]; sums to collectedPaise.
   */
  collectedByAgePaise: number[];
  /** Refunds processed that day. */
  refundedPaise: number;
  /** Owed at the end of the day on dues whose due date had come (what was paid, adjusted and due by then). */
  overduePaise: number;
}

/** The tenant's SMS on a day. */
export interface MessagesDayFact {
  day: Date;
  sent: number;
  delivered: number;
  credits: number;
}

export type CampusFigure = 'CHECK_INS' | 'ALLOCATED' | 'NEW_STUDENTS' | 'LEAVING_STUDENTS';
export type BillingFigure = 'DUES_RAISED' | 'COLLECTED' | 'REFUNDED' | 'OVERDUE';

/** One row behind a figure: what it is, whose, when and how much it added. */
export interface FactRow {
  id: string;
  studentId: string | null;
  at: Date | null;
  /** What the figure counted of it: 1 for counts, paise for money, minutes for occupancy. */
  amount: number;
  detail: string;
}

/** A student who held a seat in a range, with what insights' risk scores read (campus's side). */
export interface StudentActivity {
  studentId: string;
  /** The library of their latest allocation. */
  libraryId: string;
  /** The first day of their first allocation, and the last day of their last (cancellations end on their day). */
  firstStart: Date;
  lastEnd: Date;
  /** Days they checked in, from 56 days before the range to its end, in order. */
  visitDays: Date[];
}

/** A due as insights' risk scores read it (billing's side). */
export interface DueRecord {
  studentId: string;
  dueDate: Date;
  /** The period it charges (a day pass: its day); MONTHLY dues are the months a student renews. */
  kind: 'MONTHLY' | 'DAY_PASS' | 'TOP_UP';
  periodStart: Date;
  periodEnd: Date;
  chargePaise: number;
  /** The IST day it was paid in full (null: not paid, or paid and later re-opened). */
  paidOn: Date | null;
}

/** A help-desk ticket for a student (insights' risk: open complaints). */
export interface TicketRecord {
  studentId: string;
  openedAt: Date;
  /** When it was resolved (or closed); null: still open. */
  resolvedAt: Date | null;
}

// SQL fragments for grouping by IST day (constant text only; values stay bound parameters).
const IST_INTERVAL = `interval '330 minutes'`;
/** The IST date of a timestamptz column. */
export const istDaySql = (col: string) => `((${col} AT TIME ZONE 'UTC') + ${IST_INTERVAL})::date`;
/** The instant an IST date expression's day starts. */
export const istStartSql = (day: string) => `((${day})::timestamp AT TIME ZONE 'UTC') - ${IST_INTERVAL}`;

/** The platform's facts for its daily rollups (insights src/platform/). */
export interface TenantFact {
  tenantId: string;
  status: string;
  createdAt: Date;
  suspendedAt: Date | null;
  deletedAt: Date | null;
}

/** A tenant's subscription as it is now, with the dates that tell its past. */
export interface SubscriptionFact {
  tenantId: string;
  status: string;
  plan: string;
  /** Its price per month (paise, before GST); 0 for a free plan. */
  monthlyPaise: number;
  createdAt: Date;
  trialEndsAt: Date | null;
  pausedAt: Date | null;
  cancelledAt: Date | null;
}

/** A tenant's students' fee payments captured on a day through one provider. */
export interface PaymentDayFact {
  day: Date;
  provider: string;
  count: number;
  paise: number;
}

/** The platform's SMS credit trade on a day, and each tenant's credits used. */
export interface CreditDayFact {
  day: Date;
  creditsSold: number;
  retailPaise: number;
  /** What the credits sold cost wholesale (at the average cost of everything bought by the day's end). */
  wholesaleCostPaise: number;
  usedBy: { tenantId: string; credits: number }[];
}
