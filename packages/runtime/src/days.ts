import { clock } from './clock.ts';
// Days as the libraries live them: India Standard Time (UTC+05:30, no daylight saving). A day is a
// date-only value (PostgreSQL `date`, midnight UTC in JavaScript).
const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

export const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);
export const daysBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / DAY_MS);

/** The last day of a month's membership from `start`: the day before the same date next month (31 Jan → 28/29 Feb). */
export function monthEnd(start: Date): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return addDays(new Date(Date.UTC(y, m, Math.min(start.getUTCDate(), last))), -1);
}

/** The IST calendar day of an instant. */
export function istDay(at: Date = clock.now()): Date {
  const shifted = new Date(at.getTime() + IST_OFFSET_MS);
  return new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate()));
}

/** Minutes after IST midnight of an instant. */
export function istMinuteOfDay(at: Date = clock.now()): number {
  const shifted = new Date(at.getTime() + IST_OFFSET_MS);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
}

/** The instant a given IST day starts. */
export const istDayStart = (day: Date) => new Date(day.getTime() - IST_OFFSET_MS);

/** A day as YYYY-MM-DD (what the Date scalar answers; platform billing keeps its days as these strings). */
export const formatDate = (day: Date) => day.toISOString().slice(0, 10);

/** The day a trusted YYYY-MM-DD string names (untrusted input goes through scalars.ts parseDate). */
export const dayOf = (day: string) => new Date(`${day}T00:00:00Z`);

/** Today in IST as YYYY-MM-DD. */
export const istToday = (at: Date = clock.now()) => formatDate(istDay(at));

/** The instant of `minutes` after midnight IST on `day`. */
export const istInstant = (day: Date, minutes: number) => new Date(istDayStart(day).getTime() + minutes * 60_000);

/** The earlier of two days. */
export const minDay = (a: Date, b: Date) => (a < b ? a : b);

/** n as a percentage of `of`, to one decimal; null when `of` is 0 (reports' one rounding). */
export const percent = (n: number, of: number) => (of ? Math.round((n * 1_000) / of) / 10 : null);
