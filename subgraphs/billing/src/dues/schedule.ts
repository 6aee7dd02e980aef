// What an allocation should charge: a pure function of the allocation, so syncing dues is
// "make the rows match this" and can run any number of times.
//
// Rules (all amounts integer paise):
// - A day pass is one due of its price, due that day.
// - A monthly allocation is charged per billing month counted from its start date (the 31st runs to
//   the 30th of the next month, clamped to short months). A full month costs the allocation's
//   monthly price; a last, partial month costs price × days ÷ days of that month, rounded half up.
// - A pause of N days moved the end date N days later (campus); those N days are not charged, and
//   the months that start after the pause begins are due N days later.
import { mulDivRound } from '../shared/tax.ts';
import { addDays, daysBetween } from './dates.ts';

export interface AllocationTerms {
  kind: 'MONTHLY' | 'DAY_PASS';
  startDate: Date;
  endDate: Date;
  pausedFrom: Date | null;
  pausedUntil: Date | null;
  pricePaise: number;
}

export interface ScheduledDue {
  kind: 'MONTHLY' | 'DAY_PASS';
  period: number;
  periodStart: Date;
  periodEnd: Date;
  dueDate: Date;
  amountPaise: number;
}

/** `date` plus `months` calendar months, the day clamped to the month's length (Jan 31 + 1 → Feb 28). */
export function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(date.getUTCDate(), last)));
}

/** price × part ÷ whole, rounded half up, in integers. */
export const prorate = (pricePaise: number, part: number, whole: number) => mulDivRound(pricePaise, part, whole);

export function scheduleFor(a: AllocationTerms): ScheduledDue[] {
  if (a.kind === 'DAY_PASS') return [{ kind: 'DAY_PASS', period: 0, periodStart: a.startDate, periodEnd: a.startDate, dueDate: a.startDate, amountPaise: a.pricePaise }];
  const pausedDays = a.pausedFrom && a.pausedUntil ? daysBetween(a.pausedFrom, a.pausedUntil) + 1 : 0;
  const chargedEnd = addDays(a.endDate, -pausedDays);
  const out: ScheduledDue[] = [];
  for (let k = 0; ; k++) {
    const start = addMonths(a.startDate, k);
    if (start > chargedEnd) break;
    const fullEnd = addDays(addMonths(a.startDate, k + 1), -1);
    const end = fullEnd < chargedEnd ? fullEnd : chargedEnd;
    const days = daysBetween(start, end) + 1;
    const whole = daysBetween(start, fullEnd) + 1;
    const amountPaise = days === whole ? a.pricePaise : prorate(a.pricePaise, days, whole);
    // Months after the pause began are pushed back by its length; the one containing it ends later.
    const shiftStart = a.pausedFrom && start > a.pausedFrom ? pausedDays : 0;
    const shiftEnd = a.pausedFrom && end >= a.pausedFrom ? pausedDays : 0;
    const periodStart = addDays(start, shiftStart);
    out.push({ kind: 'MONTHLY', period: k, periodStart, periodEnd: addDays(end, shiftEnd), dueDate: periodStart, amountPaise });
    if (k > 1200) break; // a century of months: the allocation rules forbid more than a year
  }
  return out;
}
