// Subscription periods and proration, as pure functions of IST calendar days (YYYY-MM-DD strings;
// a period is [start, end), end exclusive).
//
// Proration rule: the day of a change belongs to the new plan. The unused part of the old plan is
// credited and the rest of the period charged at the new plan's price, both pro rata by whole days
// (remaining days ÷ days in the period) and each rounded half up to the paisa. When the billing cycle
// changes (quarterly → yearly), the new plan starts a full period of its own that day: the whole new
// price is charged and the old plan's unused days are credited. A credit larger than the charge is
// kept as credit for the next invoice.
import { addDays as addDateDays, dayOf, daysBetween as daysBetweenDates, formatDate } from '@studyspot/runtime';
import { mulDivRound } from '../shared/tax.ts';
export type Cycle = 'MONTHLY' | 'QUARTERLY' | 'YEARLY';

export const CYCLE_MONTHS: Record<Cycle, number> = { MONTHLY: 1, QUARTERLY: 3, YEARLY: 12 };

// The day arithmetic is the runtime's (days.ts), on the strings these rules keep.
export const addDays = (day: string, n: number) => formatDate(addDateDays(dayOf(day), n));
export const daysBetween = (from: string, to: string) => daysBetweenDates(dayOf(from), dayOf(to));

/** `day` plus `n` months, clamped to the last day of the target month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return formatDate(new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, last))));
}

export const periodEnd = (start: string, cycle: Cycle) => addMonths(start, CYCLE_MONTHS[cycle]);

export { mulDivRound };

export interface Proration {
  creditPaise: number;
  chargePaise: number;
  /** charge − credit (negative: kept as credit). */
  netPaise: number;
  remainingDays: number;
  periodDays: number;
  /** The period after the change (the same one unless the cycle changed). */
  periodStart: string;
  periodEnd: string;
}

export function prorate(p: { oldPricePaise: number; oldCycle: Cycle; newPricePaise: number; newCycle: Cycle; periodStart: string; periodEnd: string; today: string }): Proration {
  const periodDays = daysBetween(p.periodStart, p.periodEnd);
  const remainingDays = Math.max(0, Math.min(periodDays, daysBetween(p.today, p.periodEnd)));
  const creditPaise = mulDivRound(p.oldPricePaise, remainingDays, periodDays);
  if (p.newCycle !== p.oldCycle) {
    const chargePaise = p.newPricePaise;
    return { creditPaise, chargePaise, netPaise: chargePaise - creditPaise, remainingDays, periodDays, periodStart: p.today, periodEnd: periodEnd(p.today, p.newCycle) };
  }
  const chargePaise = mulDivRound(p.newPricePaise, remainingDays, periodDays);
  return { creditPaise, chargePaise, netPaise: chargePaise - creditPaise, remainingDays, periodDays, periodStart: p.periodStart, periodEnd: p.periodEnd };
}
