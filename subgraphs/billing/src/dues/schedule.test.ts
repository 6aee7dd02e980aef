import { describe, expect, it } from 'vitest';
import { addMonths, prorate, scheduleFor } from './schedule.ts';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const iso = (x: Date) => x.toISOString().slice(0, 10);
const rows = (s: ReturnType<typeof scheduleFor>) => s.map((x) => [x.period, iso(x.periodStart), iso(x.periodEnd), iso(x.dueDate), x.amountPaise]);

describe('dues schedule', () => {
  it('charges one due per billing month at the monthly price', () => {
    const s = scheduleFor({ kind: 'MONTHLY', startDate: d('2026-01-10'), endDate: d('2026-04-09'), pausedFrom: null, pausedUntil: null, pricePaise: 150_000 });
    expect(rows(s)).toEqual([
      [0, '2026-01-10', '2026-02-09', '2026-01-10', 150_000],
      [1, '2026-02-10', '2026-03-09', '2026-02-10', 150_000],
      [2, '2026-03-10', '2026-04-09', '2026-03-10', 150_000],
    ]);
  });

  it('prorates a last partial month by its days, rounding half up', () => {
    // 2026-03-10..2026-03-24 is 15 of the 31 days of 2026-03-10..2026-04-09.
    const s = scheduleFor({ kind: 'MONTHLY', startDate: d('2026-02-10'), endDate: d('2026-03-24'), pausedFrom: null, pausedUntil: null, pricePaise: 100_000 });
    expect(rows(s)).toEqual([
      [0, '2026-02-10', '2026-03-09', '2026-02-10', 100_000],
      [1, '2026-03-10', '2026-03-24', '2026-03-10', 48_387],
    ]);
    expect(prorate(100_000, 15, 31)).toBe(48_387); // 48,387.096…
    expect(prorate(3, 1, 2)).toBe(2); // 1.5 rounds up
  });

  it('clamps month ends: from the 31st, February ends on the 27th or 28th', () => {
    expect(iso(addMonths(d('2026-01-31'), 1))).toBe('2026-02-28');
    expect(iso(addMonths(d('2028-01-31'), 1))).toBe('2028-02-29');
    const s = scheduleFor({ kind: 'MONTHLY', startDate: d('2026-01-31'), endDate: d('2026-03-30'), pausedFrom: null, pausedUntil: null, pricePaise: 90_000 });
    expect(rows(s)).toEqual([
      [0, '2026-01-31', '2026-02-27', '2026-01-31', 90_000],
      [1, '2026-02-28', '2026-03-30', '2026-02-28', 90_000],
    ]);
  });

  it('does not charge the days a pause added, and shifts the later months by them', () => {
    // Paused 5 days (Feb 20-24): campus moved the end from Apr 9 to Apr 14.
    const s = scheduleFor({ kind: 'MONTHLY', startDate: d('2026-01-10'), endDate: d('2026-04-14'), pausedFrom: d('2026-02-20'), pausedUntil: d('2026-02-24'), pricePaise: 150_000 });
    expect(rows(s)).toEqual([
      [0, '2026-01-10', '2026-02-09', '2026-01-10', 150_000],
      [1, '2026-02-10', '2026-03-14', '2026-02-10', 150_000],
      [2, '2026-03-15', '2026-04-14', '2026-03-15', 150_000],
    ]);
    expect(s.reduce((t, x) => t + x.amountPaise, 0)).toBe(450_000);
  });

  it('charges a day pass once, that day', () => {
    expect(rows(scheduleFor({ kind: 'DAY_PASS', startDate: d('2026-05-01'), endDate: d('2026-05-01'), pausedFrom: null, pausedUntil: null, pricePaise: 8_000 }))).toEqual([[0, '2026-05-01', '2026-05-01', '2026-05-01', 8_000]]);
  });
});
