// The forecasting model, a standard one: seasonal exponential smoothing without trend — for each slot
// of the season (a weekday and hour for occupancy, a weekday for collections) the forecast is the
// exponentially weighted mean of that slot's past values, newest weighted most (α per season); with
// `level`, of the slot's share of its week, scaled by the last week's total (classical multiplicative
// decomposition: the shape from many weeks, the level from the newest). Its
// prediction interval comes from its own errors: the model is re-run from earlier origins inside the
// history (rolling origin, the same horizons) and the 10th and 90th percentiles of those errors, per
// group of slots, are added to the point forecast (an 80% interval, floored at 0, and widened to
// hold the point forecast when the model's past errors all lay on one side).
// The baseline it is measured against (bench:insights, the tests) is seasonal naive: the value of the
// same slot one season earlier. Errors are reported as MASE (the mean absolute error divided by the
// in-sample mean absolute error of the one-season naive forecast; Hyndman & Koehler 2006) and WAPE.
import { quantile } from 'simple-statistics';

export interface SeasonalOptions {
  /** Values per season (168 for weekday × hour, 7 for days of the week). */
  period: number;
  /** Weight of the newest season, 0 < alpha ≤ 1. */
  alpha: number;
  /** At most this many past seasons are used. */
  seasons: number;
  /** Slots sharing an error distribution (e.g. hour of day): slot → group. */
  group?: (slot: number) => number;
  /**
   * Multiplicative level: smooth each slot's share of its season's total instead of its value, and
   * scale the shares by the last season's total (the level follows the newest week at once while the
   * shape is averaged over many) — classical multiplicative decomposition.
   */
  level?: boolean;
}

export interface Forecast {
  value: number;
  low: number;
  high: number;
}

/** Point forecasts for the `horizon` values after `history` (history.length need not be whole seasons). */
export function seasonalSmoothing(history: readonly number[], horizon: number, o: SeasonalOptions): number[] {
  const n = history.length;
  const out: number[] = [];
  // Season totals, newest first: block k covers [n − k·period, n − (k − 1)·period).
  const totals = new Map<number, number>();
  const totalOf = (k: number) => {
    let t = totals.get(k);
    if (t === undefined) {
      t = 0;
      for (let i = Math.max(0, n - k * o.period); i < n - (k - 1) * o.period; i++) t += history[i]!;
      totals.set(k, t);
    }
    return t;
  };
  const value = (i: number) => {
    if (!o.level) return history[i]!;
    const t = totalOf(Math.ceil((n - i) / o.period));
    return t ? history[i]! / t : 0;
  };
  for (let h = 0; h < horizon; h++) {
    // The same slot in past seasons: n + h − period·k for k = 1… (only those inside the history).
    let weight = 0;
    let sum = 0;
    let w = 1;
    for (let k = Math.ceil((h + 1) / o.period); k <= o.seasons + Math.ceil((h + 1) / o.period) - 1; k++) {
      const i = n + h - o.period * k;
      if (i < 0) break;
      sum += w * value(i);
      weight += w;
      w *= 1 - o.alpha;
    }
    out.push(weight ? (sum / weight) * (o.level ? totalOf(1) : 1) : 0);
  }
  return out;
}

/** Seasonal naive: the value one season before (or the last season's when the horizon is longer). */
export function seasonalNaive(history: readonly number[], horizon: number, period: number): number[] {
  const n = history.length;
  return Array.from({ length: horizon }, (_, h) => {
    const i = n + h - period * Math.ceil((h + 1) / period);
    return i >= 0 ? history[i]! : 0;
  });
}

/**
 * Forecasts with an 80% interval: the point forecast plus the 10th/90th percentiles of the model's
 * errors from `origins` earlier origins (each `step` values apart) at the same horizons, per group.
 */
export function forecastWithInterval(history: readonly number[], horizon: number, o: SeasonalOptions & { origins?: number; step?: number }): Forecast[] {
  const point = seasonalSmoothing(history, horizon, o);
  const origins = o.origins ?? 6;
  const step = o.step ?? o.period;
  const group = o.group ?? (() => 0);
  const errors = new Map<number, number[]>();
  for (let k = 1; k <= origins; k++) {
    const cut = history.length - horizon - (k - 1) * step;
    if (cut < o.period * 2) break;
    const past = history.slice(0, cut);
    const f = seasonalSmoothing(past, horizon, o);
    for (let h = 0; h < horizon && cut + h < history.length; h++) {
      const g = group((cut + h) % o.period);
      errors.set(g, [...(errors.get(g) ?? []), history[cut + h]! - f[h]!]);
    }
  }
  return point.map((value, h) => {
    const e = errors.get(group((history.length + h) % o.period)) ?? [];
    const lowErr = e.length >= 5 ? quantile(e, 0.1) : -value;
    const highErr = e.length >= 5 ? quantile(e, 0.9) : value;
    return { value, low: Math.max(0, Math.min(value, value + lowErr)), high: Math.max(value, value + highErr) };
  });
}

/** Mean absolute scaled error of forecasts against actuals, scaled by the history's one-season naive error. */
export function mase(history: readonly number[], actual: readonly number[], forecast: readonly number[], period: number): number {
  let scale = 0;
  for (let i = period; i < history.length; i++) scale += Math.abs(history[i]! - history[i - period]!);
  scale /= Math.max(1, history.length - period);
  const mae = actual.reduce((s, y, i) => s + Math.abs(y - forecast[i]!), 0) / actual.length;
  return scale ? mae / scale : Number.NaN;
}

/** Weighted absolute percentage error: Σ|actual − forecast| / Σ|actual|. */
export function wape(actual: readonly number[], forecast: readonly number[]): number {
  const denominator = actual.reduce((s, y) => s + Math.abs(y), 0);
  return denominator ? actual.reduce((s, y, i) => s + Math.abs(y - forecast[i]!), 0) / denominator : Number.NaN;
}
