// Open complaints as of a day: a ticket counts from the day it was raised until the day it was
// resolved (or closed), in IST days, and only what was known that day.
import { addDays, dayOf, istInstant, type StudentActivity, type TicketRecord } from '@studyspot/runtime';
import { describe, expect, it } from 'vitest';
import { reason, sampleOf } from './features.ts';

const asOf = dayOf('2026-03-15');
const activity: StudentActivity = { studentId: 's1', libraryId: 'l1', firstStart: dayOf('2026-01-01'), lastEnd: dayOf('2026-04-30'), visitDays: [dayOf('2026-03-14')] };
const ticket = (opened: string, openMinute: number, resolved: string | null, resolvedMinute = 600): TicketRecord => ({
  studentId: 's1',
  openedAt: istInstant(dayOf(opened), openMinute),
  resolvedAt: resolved ? istInstant(dayOf(resolved), resolvedMinute) : null,
});

describe('openComplaints', () => {
  it('counts tickets raised by the end of the day and not resolved by then', () => {
    const tickets = [
      ticket('2026-03-01', 600, null), // open
      ticket('2026-03-10', 600, '2026-03-20'), // resolved later: open that day
      ticket('2026-03-15', 1_400, null), // 23:20 IST that very day: counts
      ticket('2026-03-02', 600, '2026-03-05'), // resolved before: not
      ticket('2026-03-16', 5, null), // raised the next day (00:05 IST): not yet known
      ticket('2026-03-12', 600, '2026-03-15', 1_430), // resolved at 23:50 IST that day: not open at its end
    ];
    expect(sampleOf(activity, [], asOf, addDays(asOf, 60), tickets)!.x.openComplaints).toBe(2 + 1);
    expect(sampleOf(activity, [], asOf, addDays(asOf, 60), [])!.x.openComplaints).toBe(0);
  });

  it('caps at 3 and reads as a sentence', () => {
    const many = Array.from({ length: 5 }, () => ticket('2026-03-01', 600, null));
    const x = sampleOf(activity, [], asOf, addDays(asOf, 60), many)!.x;
    expect(x.openComplaints).toBe(3);
    expect(reason('openComplaints', x)).toBe('3 complaints open at the help desk');
    expect(reason('openComplaints', { ...x, openComplaints: 1 })).toBe('1 complaint open at the help desk');
  });
});
