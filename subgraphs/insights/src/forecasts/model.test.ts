// The forecasting model on series whose truth is known: a weekly pattern with noise (and a zero
// season at night, like a library), where seasonal exponential smoothing must beat seasonal naive and
// its 80% interval must hold about 80% of what follows.
import { describe, expect, it } from 'vitest';
import { forecastWithInterval, mase, seasonalNaive, seasonalSmoothing, wape } from './model.ts';

/** A seeded generator and a normal draw (Box–Muller). */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, normal: () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next()) };
}

/** Hourly students inside: open 6–22, busier mid-morning and on weekdays, with noise. */
function occupancy(days: number, seed: number) {
  const r = random(seed);
  const truth: number[] = [];
  const seen: number[] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const open = h >= 6 && h < 22;
      const mean = open ? (d % 7 === 0 ? 6 : 14) * Math.exp(-((h - 11) ** 2) / 40) + 3 : 0;
      truth.push(mean);
      seen.push(open ? Math.max(0, mean + r.normal() * 2.5) : 0);
    }
  }
  return { truth, seen };
}

describe('seasonal exponential smoothing', () => {
  it('seasonal naive repeats the last season, for horizons past one season too', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6], 5, 3)).toEqual([4, 5, 6, 4, 5]);
    // Smoothing with alpha 1 is seasonal naive.
    expect(seasonalSmoothing([1, 2, 3, 4, 5, 6], 5, { period: 3, alpha: 1, seasons: 4 })).toEqual([4, 5, 6, 4, 5]);
    // With alpha 0.5 over two seasons: (4 + 0.5·1) / 1.5 for the first slot.
    expect(seasonalSmoothing([1, 2, 3, 4, 5, 6], 1, { period: 3, alpha: 0.5, seasons: 2 })[0]).toBeCloseTo(3, 10);
  });

  it('MASE and WAPE: 0 for a perfect forecast, 1 for seasonal naive on a series that repeats its last change', () => {
    const history = [1, 2, 3, 2, 3, 4];
    expect(mase(history, [5, 6], [5, 6], 3)).toBe(0);
    expect(mase(history, [3, 4], [2, 3], 3)).toBe(1);
    expect(wape([10, 10], [5, 15])).toBe(0.5);
  });

  it('beats seasonal naive on a noisy weekly pattern, and comes close to the truth', () => {
    for (const seed of [1, 2, 3]) {
      const { truth, seen } = occupancy(70, seed);
      const cut = 56 * 24;
      const history = seen.slice(0, cut);
      const actual = seen.slice(cut);
      const o = { period: 168, alpha: 0.3, seasons: 8 };
      const model = seasonalSmoothing(history, actual.length, o);
      const naive = seasonalNaive(history, actual.length, 168);
      const m = mase(history, actual, model, 168);
      const b = mase(history, actual, naive, 168);
      expect(m).toBeLessThan(b * 0.85);
      // Against the noise-free truth the model's error is well under the noise's (σ 2.5).
      const truthError = truth.slice(cut).reduce((s, y, i) => s + Math.abs(y - model[i]!), 0) / actual.length;
      expect(truthError).toBeLessThan(1.6);
    }
  });

  it('its 80% interval holds about 80% of what follows, and is empty (0–0) when the library is closed', () => {
    let inside = 0;
    let total = 0;
    for (const seed of [4, 5, 6, 7]) {
      const { seen } = occupancy(84, seed);
      const cut = 70 * 24;
      const f = forecastWithInterval(seen.slice(0, cut), 14 * 24, { period: 168, alpha: 0.3, seasons: 8, group: (slot) => slot % 24 });
      f.forEach((p, i) => {
        const hour = i % 24;
        if (hour < 6 || hour >= 22) {
          expect(p).toEqual({ value: 0, low: 0, high: 0 });
          return;
        }
        expect(p.low).toBeLessThanOrEqual(p.value);
        expect(p.high).toBeGreaterThanOrEqual(p.value);
        total++;
        if (seen[cut + i]! >= p.low && seen[cut + i]! <= p.high) inside++;
      });
    }
    expect(inside / total).toBeGreaterThan(0.68);
    expect(inside / total).toBeLessThan(0.92);
  });
});
