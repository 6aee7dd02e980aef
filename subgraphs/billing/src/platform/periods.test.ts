import { describe, expect, it } from 'vitest';
import { addMonths, mulDivRound, periodEnd, prorate } from './periods.ts';

describe('periods', () => {
  it('adds months clamped to the month end, and cycles', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(periodEnd('2026-11-01', 'MONTHLY')).toBe('2026-12-01');
    expect(periodEnd('2026-10-01', 'QUARTERLY')).toBe('2027-01-01');
    expect(periodEnd('2026-11-16', 'YEARLY')).toBe('2027-11-16');
  });

  it('rounds a × b ÷ c half up in integers', () => {
    expect(mulDivRound(199_900, 1, 30)).toBe(6_663); // 6663.33
    expect(mulDivRound(100, 1, 8)).toBe(13); // 12.5 → 13
    expect(mulDivRound(99_900, 21, 30)).toBe(69_930);
  });
});

describe('proration (exact paise)', () => {
  const monthly = { oldCycle: 'MONTHLY' as const, newCycle: 'MONTHLY' as const };

  it('upgrade on day 10 of 30: the 21 days left (the 10th included) are credited at the old price and charged at the new', () => {
    expect(prorate({ ...monthly, oldPricePaise: 99_900, newPricePaise: 199_900, periodStart: '2026-11-01', periodEnd: '2026-12-01', today: '2026-11-10' })).toEqual({
      creditPaise: 69_930,
      chargePaise: 139_930,
      netPaise: 70_000,
      remainingDays: 21,
      periodDays: 30,
      periodStart: '2026-11-01',
      periodEnd: '2026-12-01',
    });
  });

  it('upgrade on the last day of the period: one day', () => {
    expect(prorate({ ...monthly, oldPricePaise: 99_900, newPricePaise: 199_900, periodStart: '2026-11-01', periodEnd: '2026-12-01', today: '2026-11-30' })).toMatchObject({ creditPaise: 3_330, chargePaise: 6_663, netPaise: 3_333, remainingDays: 1 });
  });

  it('across a month of 28 days: half of February is half the price', () => {
    expect(prorate({ ...monthly, oldPricePaise: 100_000, newPricePaise: 250_001, periodStart: '2027-02-01', periodEnd: '2027-03-01', today: '2027-02-15' })).toMatchObject({ creditPaise: 50_000, chargePaise: 125_001, remainingDays: 14, periodDays: 28 });
  });

  it('quarterly to yearly: the unused part of the quarter is credited and a full year starts that day', () => {
    expect(prorate({ oldCycle: 'QUARTERLY', newCycle: 'YEARLY', oldPricePaise: 270_000, newPricePaise: 999_900, periodStart: '2026-10-01', periodEnd: '2027-01-01', today: '2026-11-16' })).toEqual({
      creditPaise: 135_000,
      chargePaise: 999_900,
      netPaise: 864_900,
      remainingDays: 46,
      periodDays: 92,
      periodStart: '2026-11-16',
      periodEnd: '2027-11-16',
    });
  });
});
