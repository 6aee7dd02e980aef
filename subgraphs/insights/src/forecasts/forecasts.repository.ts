// The only code that reads and writes insights' stored forecasts (tenant table insight_forecasts).
import type { TenantPrisma } from '@studyspot/db';

export interface StoredForecast {
  madeOn: Date;
  points: { value: number; low: number; high: number }[];
  backtest: Backtest;
}

export interface Backtest {
  days: number;
  mase: number | null;
  baselineMase: number | null;
  wape: number | null;
  baselineWape: number | null;
}

export async function storedForecast(db: TenantPrisma, key: string, madeOn: Date): Promise<StoredForecast | null> {
  const row = await db.insightForecast.findUnique({ where: { key } });
  return row && row.madeOn.getTime() === madeOn.getTime() ? { madeOn: row.madeOn, points: row.points as unknown as StoredForecast['points'], backtest: row.backtest as unknown as Backtest } : null;
}

export async function storeForecast(db: TenantPrisma, key: string, f: StoredForecast, builtAt: Date): Promise<void> {
  const data = { madeOn: f.madeOn, points: f.points, backtest: { ...f.backtest }, builtAt };
  await db.insightForecast.upsert({ where: { key }, create: { key, ...data }, update: data });
}
