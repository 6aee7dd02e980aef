// Billing's own calendar: the Indian financial year (April–March) receipts are numbered in.
export { addDays, daysBetween, istDay } from '@studyspot/runtime';

/** The financial year of a day, e.g. "26-27" for 2026-11-30. */
export function financialYear(day: Date): string {
  const y = day.getUTCMonth() >= 3 ? day.getUTCFullYear() : day.getUTCFullYear() - 1;
  return `${String(y % 100).padStart(2, '0')}-${String((y + 1) % 100).padStart(2, '0')}`;
}
