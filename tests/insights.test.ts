// Insights (issue 21), the data pipeline and the owner's figures: a tenant with 75 days of generated
// history in two libraries (refunds, late fees, pauses, cancellations, leavers) plus today's events;
// rollups compared with the raw rows on random days (a property test with a seeded generator), a
// re-run and two concurrent rebuilds changing nothing, the due work backfilling history, the heatmap,
// trends, collection efficiency and drill-downs agreeing with the rollups, who may read them, and
// every report as CSV from a signed link.
import { randomUUID } from 'node:crypto';
import { generateHistory } from '@studyspot/gateway';
import { insightsSweepOnce } from '@studyspot/insights';
import { addDays, clock, formatDate, istDay, istDayStart, signedToken } from '@studyspot/runtime';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceOf } from '../subgraphs/communications/src/campaigns/campaigns.service.ts';
import { figuresOf, readRaw } from './support/insights-oracle.ts';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let owner = '';
const libs: string[] = [];
const HISTORY_DAYS = 75;

const data = <T>(r: GqlResult, field: string): T => {
  expect(r.errors).toBeUndefined();
  return r.data![field] as T;
};
const errorCodes = (r: GqlResult) => r.errors?.map((e) => [e.extensions?.code, e.extensions?.field ?? null]);
const rawOfA = () => w.world.platform.tenants.withTenant(w.a.id, (db) => readRaw(db));
const stored = () =>
  w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
    libraries: (await db.insightLibraryDay.findMany({ orderBy: [{ day: 'asc' }, { libraryId: 'asc' }] })).map(({ builtAt: _b, ...r }) => r),
    tenant: (await db.insightTenantDay.findMany({ orderBy: { day: 'asc' } })).map(({ builtAt: _b, ...r }) => r),
  }));

/** A small deterministic generator for the property test's days. */
function random(seed: number) {
  let a = seed;
  return () => ((a = (a * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

beforeAll(async () => {
  w = await createSupergraphWorld();
  owner = w.ownerToken(w.a);
  const today = istDay(clock.now());
  const from = addDays(today, -HISTORY_DAYS);
  libs.push(w.a.libraryId);
  await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    await db.shift.createMany({
      data: [
        { libraryId: w.a.libraryId, name: 'Morning', startMinute: 360, endMinute: 840, monthlyPricePaise: 90_000 },
        { libraryId: w.a.libraryId, name: 'Evening', startMinute: 840, endMinute: 1320, monthlyPricePaise: 80_000 },
      ],
    });
    const second = await db.library.create({ data: { name: 'Second branch', city: 'Pune', capacity: 20 } });
    await db.seat.createMany({ data: Array.from({ length: 8 }, (_, i) => ({ libraryId: second.id, label: `B${i + 1}` })) });
    await db.shift.create({ data: { libraryId: second.id, name: 'Full day', startMinute: 420, endMinute: 1260, monthlyPricePaise: 150_000 } });
    libs.push(second.id);
    await generateHistory(db, { libraryId: w.a.libraryId, from, to: addDays(today, -1), students: 40, seed: 21, phonePrefix: '919700000' });
    await generateHistory(db, { libraryId: second.id, from, to: addDays(today, -1), students: 20, seed: 22, phonePrefix: '919700001' });
    // Today: one student inside since an hour ago (no check-out yet), one came and went — both
    // within today's IST day (soon after midnight, from its start).
    const [a, b] = await db.seatAllocation.findMany({ where: { libraryId: w.a.libraryId, status: 'ACTIVE', endDate: { gte: today } }, take: 2 });
    const now = clock.now();
    const since = (ms: number) => new Date(Math.max(now.getTime() - ms, istDayStart(today).getTime()));
    if (a) await db.visit.create({ data: { libraryId: w.a.libraryId, studentId: a.studentId, seatId: a.seatId, checkedInAt: since(3_600_000), inSource: 'KIOSK_QR', day: today } });
    if (b) await db.visit.create({ data: { libraryId: w.a.libraryId, studentId: b.studentId, seatId: b.seatId, checkedInAt: since(7_200_000), checkedOutAt: since(5_400_000), inSource: 'STAFF', outSource: 'STAFF', day: today } });
  });
  // Refunds through billing's own service today: one in full, one in part re-opening the due it paid.
  const paid = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.findMany({ where: { libraryId: w.a.libraryId, provider: 'offline', status: 'CAPTURED' }, orderBy: { capturedAt: 'desc' }, take: 2 }));
  expect(paid).toHaveLength(2);
  for (const [i, p] of paid.entries()) {
    const r = await gql(w.gateway.url, 'mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { status } userErrors { code message } } }', {
      token: owner,
      variables: { i: { paymentId: p.id, amountPaise: i ? 20_000 : p.amountPaise, idempotencyKey: `insights-${i}`, reopenDues: i === 1, reason: 'Left early' } },
    });
    expect(r.data).toEqual({ refundPayment: { refund: { status: 'PROCESSED' }, userErrors: [] } });
  }
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe('the data pipeline', () => {
  it("the due work backfills the tenant's history, then waits for the next night", async () => {
    const now = clock.now();
    await w.world.platform.work.due(w.a.id, 'insights', now);
    const report = await insightsSweepOnce(w.world.platform, now);
    expect(report).toMatchObject({ tenants: 1, failed: 0 });
    expect(report.daysBuilt).toBeGreaterThanOrEqual(HISTORY_DAYS - 10);
    const status = data<{ builtThrough: string; finalDays: number; today: string }>(await gql(w.gateway.url, '{ insightsStatus { builtThrough finalDays today firstDay } }', { token: owner }), 'insightsStatus');
    expect(status.today).toBe(formatDate(istDay(now)));
    expect(status.builtThrough).toBe(formatDate(addDays(istDay(now), -1)));
    expect(status.finalDays).toBeGreaterThanOrEqual(HISTORY_DAYS - 10);
    const row = await w.world.platform.core.tenantWork.findUnique({ where: { tenantId_kind: { tenantId: w.a.id, kind: 'insights' } } });
    expect(row!.dueAt!.getTime()).toBeGreaterThan(now.getTime());
    // Then today's forecasts: each library's occupancy and collections, and the tenant's collections.
    expect(report.forecasts).toBe(5);
    const keys = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.insightForecast.findMany({ select: { key: true, madeOn: true } }));
    expect(keys.map((k) => k.key).sort()).toEqual([...libs.flatMap((l) => [`collections:${l}`, `occupancy:${l}`]), 'collections:all'].sort());
    expect(keys.every((k) => formatDate(k.madeOn) === formatDate(istDay(now)))).toBe(true);
    // Nothing due now: a second sweep visits no tenant.
    expect((await insightsSweepOnce(w.world.platform, now)).tenants).toBe(0);
  });

  it('rollups equal the raw computation on random days (refunds, late fees, pauses and cancellations among them)', async () => {
    const now = clock.now();
    const today = istDay(now);
    const raw = await rawOfA();
    const rows = (await stored()).libraries;
    const next = random(2112);
    const special = [
      ...raw.refunds.map((r) => istDay(r.processedAt!)),
      ...raw.allocations.filter((a) => a.status === 'CANCELLED').map((a) => istDay(a.updatedAt)),
      ...raw.allocations.filter((a) => a.pausedFrom).map((a) => a.pausedFrom!),
      ...raw.adjustments.map((j) => istDay(j.createdAt)),
    ].filter((d) => d >= addDays(today, -HISTORY_DAYS) && d <= today);
    expect(special.length).toBeGreaterThan(5);
    const days = [...special.slice(0, 12), ...Array.from({ length: 24 }, () => addDays(today, -Math.floor(next() * (HISTORY_DAYS + 1)))), today];
    let compared = 0;
    for (const day of days) {
      for (const libraryId of libs) {
        const row = rows.find((r) => r.libraryId === libraryId && r.day.getTime() === day.getTime());
        expect(row, `${libraryId} ${formatDate(day)}`).toBeDefined();
        const { libraryId: _l, day: _d, final, seats: _s, ...figures } = row!;
        expect(final).toBe(day < today);
        if (day.getTime() === today.getTime()) continue; // today's row is up to five minutes old: compared below after a fresh build
        expect(figures, `${libraryId} ${formatDate(day)}`).toEqual(figuresOf(raw, libraryId, day, now));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(60);
    // The history is not trivial: the figures compared include every kind of event.
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    const kinds = { checkIns: sum((r) => r.checkIns), refunded: sum((r) => r.refundedPaise), overdue: sum((r) => r.overduePaise), paused: sum((r) => r.paused), leaving: sum((r) => r.leavingStudents), arriving: sum((r) => r.newStudents), late8To30: sum((r) => r.collectedByAgePaise[2]!) };
    for (const [kind, total] of Object.entries(kinds)) expect(total, kind).toBeGreaterThan(0);
  });

  it("today's partial day: someone still inside counts up to now; a rebuild brings it up to date", async () => {
    const now = clock.now();
    const today = istDay(now);
    const r = await gql(w.gateway.url, 'mutation($f: Date!, $t: Date!) { rebuildInsights(from: $f, to: $t) { days userErrors { code } } }', { token: owner, variables: { f: formatDate(today), t: formatDate(today) } });
    expect(data(r, 'rebuildInsights')).toEqual({ days: 1, userErrors: [] });
    const raw = await rawOfA();
    const row = (await stored()).libraries.find((x) => x.libraryId === w.a.libraryId && x.day.getTime() === today.getTime())!;
    expect(row.final).toBe(false);
    const expected = figuresOf(raw, w.a.libraryId, today, clock.now());
    expect(row.checkIns).toBe(expected.checkIns);
    // Minutes of an open visit grow with the clock; within a minute of the oracle's now.
    expect(Math.abs(row.occupancyMinutes.reduce((a, b) => a + b, 0) - expected.occupancyMinutes.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(1);
  });

  it('re-running a range changes nothing; two concurrent rebuilds leave the same rows', async () => {
    const today = istDay(clock.now());
    const yesterday = addDays(today, -1);
    const before = (await stored()).libraries.filter((r) => r.day <= yesterday);
    const rebuild = () => gql(w.gateway.url, 'mutation($f: Date!, $t: Date!) { rebuildInsights(from: $f, to: $t) { days userErrors { code } } }', { token: owner, variables: { f: formatDate(addDays(today, -HISTORY_DAYS)), t: formatDate(yesterday) } });
    const results = await Promise.all([rebuild(), rebuild()]);
    for (const r of results) expect(data(r, 'rebuildInsights')).toEqual({ days: HISTORY_DAYS, userErrors: [] });
    // The backfill began at the first day with anything on; the rebuild's range starts earlier (empty days added).
    const after = (await stored()).libraries.filter((r) => r.day <= yesterday);
    expect(after.filter((r) => r.day >= before[0]!.day)).toEqual(before);
    expect(after.filter((r) => r.day < before[0]!.day).every((r) => r.checkIns === 0 && r.collectedPaise === 0 && r.duesRaisedPaise === 0)).toBe(true);
  });

  it('a repair refuses a range that ends before it starts, after today or longer than 731 days, and writes nothing', async () => {
    const today = istDay(clock.now());
    const before = await stored();
    const bad = [
      [formatDate(today), formatDate(addDays(today, -1))],
      [formatDate(today), formatDate(addDays(today, 1))],
      [formatDate(addDays(today, -800)), formatDate(today)],
    ];
    for (const [f, t] of bad) {
      const r = await gql(w.gateway.url, 'mutation($f: Date!, $t: Date!) { rebuildInsights(from: $f, to: $t) { days userErrors { code field } } }', { token: owner, variables: { f, t } });
      expect(data(r, 'rebuildInsights')).toEqual({ days: null, userErrors: [{ code: 'INVALID_INPUT', field: ['to'] }] });
    }
    expect(await stored()).toEqual(before);
  });
});

describe('owner insights', () => {
  const range = () => {
    const today = istDay(clock.now());
    return { f: formatDate(addDays(today, -HISTORY_DAYS)), t: formatDate(today) };
  };

  it('the heatmap: 7 × 24 cells, peak hours inside the shifts, no one inside at night', async () => {
    const r = await gql(w.gateway.url, 'query($l: ID!, $f: Date!, $t: Date!) { occupancyHeatmap(libraryId: $l, from: $f, to: $t) { seats cells { weekday hour averageInside utilisationPercent } peakHours { hour averageInside } emptyHours { hour averageInside } } }', {
      token: owner,
      variables: { l: w.a.libraryId, ...range() },
    });
    const h = data<{ seats: number; cells: { weekday: number; hour: number; averageInside: number; utilisationPercent: number }[]; peakHours: { hour: number; averageInside: number }[]; emptyHours: { hour: number }[] }>(r, 'occupancyHeatmap');
    expect(h.seats).toBe(12);
    expect(h.cells).toHaveLength(168);
    expect(h.cells.filter((c) => c.hour < 6 || c.hour === 23).every((c) => c.averageInside === 0)).toBe(true);
    expect(h.peakHours).toHaveLength(3);
    for (const p of h.peakHours) expect(p.hour).toBeGreaterThanOrEqual(6);
    // Sundays are quieter than weekdays (the history's pattern) at the busiest hour.
    const peak = h.peakHours[0]!.hour;
    const at = (weekday: number) => h.cells.find((c) => c.weekday === weekday && c.hour === peak)!.averageInside;
    expect(at(0)).toBeLessThan(Math.max(at(2), at(3), at(4)));
    // The cells are the rollups' minutes / 60 averaged over each weekday's days.
    const rows = (await stored()).libraries.filter((x) => x.libraryId === w.a.libraryId && x.day < istDay(clock.now()));
    const mondays = rows.filter((x) => x.day.getUTCDay() === 1);
    const expected = Math.round((mondays.reduce((n, x) => n + x.occupancyMinutes[peak]!, 0) / 60 / mondays.length) * 100) / 100;
    expect(h.cells.find((c) => c.weekday === 1 && c.hour === peak)!.averageInside).toBeCloseTo(expected, 2);
  });

  it('the monthly trend sums the rollups of its days; SMS only for the whole tenant', async () => {
    const r = await gql(w.gateway.url, 'query($f: Date!, $t: Date!, $l: ID) { insightTrend(from: $f, to: $t, grain: MONTH, libraryId: $l) { points { period days checkIns collectedPaise refundedPaise duesRaisedPaise newStudents leavingStudents overduePaise smsSent utilisationPercent collectedChangePercent } } }', {
      token: owner,
      variables: range(),
    });
    const points = data<{ points: Record<string, number | string | null>[] }>(r, 'insightTrend').points;
    expect(points.length).toBeGreaterThanOrEqual(3);
    const rows = (await stored()).libraries;
    const month = (p: string) => rows.filter((x) => formatDate(x.day).slice(0, 7) === p.slice(0, 7) && x.day >= addDays(istDay(clock.now()), -HISTORY_DAYS));
    for (const p of points) {
      const days = month(p.period as string);
      expect(p.checkIns).toBe(days.reduce((n, x) => n + x.checkIns, 0));
      expect(p.collectedPaise).toBe(days.reduce((n, x) => n + x.collectedPaise, 0));
      expect(p.duesRaisedPaise).toBe(days.reduce((n, x) => n + x.duesRaisedPaise, 0));
      expect(p.smsSent).toBe(0);
    }
    expect(points.slice(1).some((p) => p.collectedChangePercent !== null)).toBe(true);
    const one = await gql(w.gateway.url, 'query($f: Date!, $t: Date!, $l: ID) { insightTrend(from: $f, to: $t, grain: WEEK, libraryId: $l) { library { id } points { period smsSent } } }', { token: owner, variables: { ...range(), l: libs[1] } });
    const weekly = data<{ library: { id: string }; points: { period: string; smsSent: number | null }[] }>(one, 'insightTrend');
    expect(weekly.library).toEqual({ id: libs[1] });
    expect(weekly.points.every((p) => p.smsSent === null && new Date(`${p.period}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
  });

  it('collection efficiency: collected / raised per month, split by lateness, the parts adding up', async () => {
    const r = await gql(w.gateway.url, 'query($f: Date!, $t: Date!) { collectionEfficiency(from: $f, to: $t) { month raisedPaise collectedPaise onTimePaise late1To7DaysPaise late8To30DaysPaise lateOver30DaysPaise aheadPaise efficiencyPercent overduePaise } }', { token: owner, variables: range() });
    const months = data<Record<string, number | string | null>[]>(r, 'collectionEfficiency');
    expect(months.length).toBeGreaterThanOrEqual(3);
    for (const m of months) {
      const parts = ['onTimePaise', 'late1To7DaysPaise', 'late8To30DaysPaise', 'lateOver30DaysPaise', 'aheadPaise'].reduce((n, k) => n + (m[k] as number), 0);
      expect(parts).toBe(m.collectedPaise);
      if ((m.raisedPaise as number) > 0) expect(m.efficiencyPercent).toBe(Math.round(((m.collectedPaise as number) * 1000) / (m.raisedPaise as number)) / 10);
    }
    expect(months.some((m) => (m.late8To30DaysPaise as number) > 0)).toBe(true);
  });

  it('every figure opens to the rows behind it, adding up to the figure', async () => {
    const rows = (await stored()).libraries.filter((x) => x.libraryId === w.a.libraryId);
    const pickDay = (f: (x: (typeof rows)[number]) => number) => rows.filter((x) => f(x) > 0).at(-1)!;
    const cases = [
      ['CHECK_INS', (x: (typeof rows)[number]) => x.checkIns, 'count'],
      ['ALLOCATED', (x: (typeof rows)[number]) => x.allocated, 'count'],
      ['NEW_STUDENTS', (x: (typeof rows)[number]) => x.newStudents, 'count'],
      ['LEAVING_STUDENTS', (x: (typeof rows)[number]) => x.leavingStudents, 'count'],
      ['DUES_RAISED', (x: (typeof rows)[number]) => x.duesRaisedPaise, 'sum'],
      ['COLLECTED', (x: (typeof rows)[number]) => x.collectedPaise, 'sum'],
      ['REFUNDED', (x: (typeof rows)[number]) => x.refundedPaise, 'sum'],
      ['OVERDUE', (x: (typeof rows)[number]) => x.overduePaise, 'sum'],
    ] as const;
    for (const [figure, f, how] of cases) {
      const day = pickDay(f);
      const r = await gql(w.gateway.url, 'query($l: ID!, $d: Date!, $f: InsightFigure!) { insightRows(libraryId: $l, day: $d, figure: $f, first: 200) { value truncated rows { id student { id } at amount detail } } }', {
        token: owner,
        variables: { l: w.a.libraryId, d: formatDate(day.day), f: figure },
      });
      const got = data<{ value: number; truncated: boolean; rows: { amount: number; student: { id: string } | null }[] }>(r, 'insightRows');
      expect(got.value, figure).toBe(f(day));
      expect(got.truncated).toBe(false);
      expect(how === 'count' ? got.rows.length : got.rows.reduce((n, x) => n + x.amount, 0), figure).toBe(got.value);
      expect(got.rows.every((x) => x.student !== null)).toBe(true);
    }
    const few = await gql(w.gateway.url, 'query($l: ID!, $d: Date!) { insightRows(libraryId: $l, day: $d, figure: ALLOCATED, first: 1) { value truncated rows { id } } }', { token: owner, variables: { l: w.a.libraryId, d: formatDate(pickDay((x) => (x.allocated > 1 ? 1 : 0)).day) } });
    expect(data<{ truncated: boolean; rows: unknown[] }>(few, 'insightRows')).toMatchObject({ truncated: true, rows: [expect.anything()] });
  });

  it("occupancy forecast: 14 days × 24 hours from today with 80% intervals, quiet at night, and its backtest against seasonal naive", async () => {
    const q = 'query($l: ID!) { occupancyForecast(libraryId: $l) { madeOn model points { at value low high } backtest { days mase baselineMase wape baselineWape } } }';
    const f = data<{ madeOn: string; model: string; points: { at: string; value: number; low: number; high: number }[]; backtest: Record<string, number | null> }>(await gql(w.gateway.url, q, { token: owner, variables: { l: w.a.libraryId } }), 'occupancyForecast');
    const today = istDay(clock.now());
    expect(f.madeOn).toBe(formatDate(today));
    expect(f.model).toBe('seasonal exponential smoothing');
    expect(f.points).toHaveLength(336);
    expect(new Date(f.points[0]!.at).getTime()).toBe(today.getTime() - 330 * 60_000);
    expect(new Date(f.points[335]!.at).getTime() - new Date(f.points[0]!.at).getTime()).toBe(335 * 3_600_000);
    for (const p of f.points) expect(p.low <= p.value && p.value <= p.high && p.low >= 0).toBe(true);
    // The history's library opens at 06:00 and everyone has left by 23:00 IST.
    expect(f.points.filter((_, i) => i % 24 < 6).every((p) => p.value === 0 && p.high === 0)).toBe(true);
    expect(Math.max(...f.points.map((p) => p.value))).toBeGreaterThan(1);
    expect(f.backtest.days).toBe(14);
    for (const k of ['mase', 'baselineMase', 'wape', 'baselineWape']) expect(f.backtest[k]).toBeGreaterThan(0);
    // Made once a day: a second read is the stored forecast.
    expect(data(await gql(w.gateway.url, q, { token: owner, variables: { l: w.a.libraryId } }), 'occupancyForecast')).toEqual(f);
  });

  it('collections forecast: 30 days from today, their total, per library or for every branch', async () => {
    const q = 'query($l: ID) { collectionsForecast(libraryId: $l) { library { id } madeOn days { day valuePaise lowPaise highPaise } totalPaise backtest { days mase baselineMase } } }';
    const all = data<{ library: null; days: { day: string; valuePaise: number; lowPaise: number; highPaise: number }[]; totalPaise: number; backtest: { days: number } }>(await gql(w.gateway.url, q, { token: owner }), 'collectionsForecast');
    expect(all.library).toBeNull();
    expect(all.days).toHaveLength(30);
    expect(all.days[0]!.day).toBe(formatDate(istDay(clock.now())));
    expect(all.totalPaise).toBe(all.days.reduce((n, d) => n + d.valuePaise, 0));
    expect(all.totalPaise).toBeGreaterThan(0);
    for (const d of all.days) expect(d.lowPaise <= d.valuePaise && d.valuePaise <= d.highPaise).toBe(true);
    const one = data<{ library: { id: string }; totalPaise: number }>(await gql(w.gateway.url, q, { token: owner, variables: { l: libs[1] } }), 'collectionsForecast');
    expect(one.library).toEqual({ id: libs[1] });
    expect(one.totalPaise).toBeLessThan(all.totalPaise);
  });

  it('students at risk: everyone holding a seat, most likely to leave first, with reasons; a campaign can target them', async () => {
    const q = 'query($l: ID, $first: Int!, $min: Float) { studentsAtRisk(libraryId: $l, first: $first, minProbability: $min) { leaveModel { trainedOn samples positives } lateModel { trainedOn samples } students { student { id } library { id } leaveProbability lateProbability reasons } } }';
    type Risk = { leaveModel: { trainedOn: string; samples: number; positives: number }; lateModel: { trainedOn: string }; students: { student: { id: string }; library: { id: string }; leaveProbability: number; lateProbability: number; reasons: string[] }[] };
    const r = data<Risk>(await gql(w.gateway.url, q, { token: owner, variables: { l: w.a.libraryId, first: 500 } }), 'studentsAtRisk');
    expect(['TENANT', 'PRIOR']).toContain(r.leaveModel.trainedOn);
    expect(r.leaveModel.samples).toBeGreaterThan(0);
    // Exactly the students holding a seat in this library today, once each.
    const today = istDay(clock.now());
    const raw = await rawOfA();
    const held = raw.allocations.filter((a) => ['ACTIVE', 'PAUSED', 'CANCELLED'].includes(a.status) && a.startDate <= today && (a.status === 'CANCELLED' ? istDay(a.updatedAt) : a.endDate) >= today && a.libraryId === w.a.libraryId);
    expect(r.students.map((x) => x.student.id).sort()).toEqual([...new Set(held.map((a) => a.studentId))].sort());
    expect(r.students.every((x) => x.library.id === w.a.libraryId && x.leaveProbability >= 0 && x.leaveProbability <= 1 && x.lateProbability >= 0 && x.lateProbability <= 1)).toBe(true);
    const ps = r.students.map((x) => x.leaveProbability);
    expect(ps).toEqual([...ps].sort((a, b) => b - a));
    expect(r.students[0]!.reasons.length).toBeGreaterThan(0);
    // Only those at or above a chance, and at most `first`.
    const some = data<Risk>(await gql(w.gateway.url, q, { token: owner, variables: { first: 3, min: 0.3 } }), 'studentsAtRisk');
    expect(some.students.length).toBeLessThanOrEqual(3);
    expect(some.students.every((x) => x.leaveProbability >= 0.3 || x.lateProbability >= 0.3)).toBe(true);
    // A campaign's "at risk" audience is the students scored at least 0.5 to leave.
    const all = data<Risk>(await gql(w.gateway.url, q, { token: owner, variables: { first: 500 } }), 'studentsAtRisk');
    const audience = await w.world.platform.tenants.withTenant(w.a.id, (db) => audienceOf(db, { atRisk: true }, clock.now()));
    expect(audience.map((x) => x.id).sort()).toEqual(all.students.filter((x) => x.leaveProbability >= 0.5).map((x) => x.student.id).sort());
    const bad = await gql(w.gateway.url, q, { token: owner, variables: { first: 0 } });
    expect(errorCodes(bad)).toEqual([['BAD_USER_INPUT', 'first']]);
  });

  it('renewals and retention by admission month agree with the monthly dues behind them', async () => {
    const today = istDay(clock.now());
    const { f, t } = range();
    const q = 'query($f: Date!, $t: Date!, $l: ID) { renewals(from: $f, to: $t, libraryId: $l) { month dueToRenew renewed renewalPercent } retentionCohorts(from: $f, to: $t, libraryId: $l) { month students retainedPercent } }';
    const r = await gql(w.gateway.url, q, { token: owner, variables: { f, t, l: w.a.libraryId } });
    expect(r.errors).toBeUndefined();
    const got = r.data as { renewals: { month: string; dueToRenew: number; renewed: number; renewalPercent: number | null }[]; retentionCohorts: { month: string; students: number; retainedPercent: (number | null)[] }[] };
    // The same from the raw dues: monthly, not void, of this library's students.
    const raw = await rawOfA();
    const mine = new Set(raw.allocations.filter((a) => a.libraryId === w.a.libraryId).map((a) => a.studentId));
    const monthly = raw.dues.filter((d) => d.kind === 'MONTHLY' && d.status !== 'VOID' && mine.has(d.studentId));
    const from = new Date(`${f}T00:00:00Z`);
    const ended = monthly.filter((d) => d.periodEnd >= from && d.periodEnd.getTime() + 86_400_000 <= today.getTime());
    const renewedOf = (d: (typeof monthly)[number]) => monthly.some((n) => n.studentId === d.studentId && n.periodStart > d.periodEnd && n.periodStart.getTime() - d.periodEnd.getTime() <= 7 * 86_400_000);
    expect(got.renewals.reduce((n, m) => n + m.dueToRenew, 0)).toBe(ended.length);
    expect(got.renewals.reduce((n, m) => n + m.renewed, 0)).toBe(ended.filter(renewedOf).length);
    expect(got.renewals.length).toBeGreaterThanOrEqual(2);
    for (const m of got.renewals) expect(m.renewalPercent).toBe(Math.round((m.renewed * 1000) / m.dueToRenew) / 10);
    const firsts = new Map<string, Date>();
    for (const d of monthly) if (!firsts.has(d.studentId) || d.periodStart < firsts.get(d.studentId)!) firsts.set(d.studentId, d.periodStart);
    const admitted = [...firsts.values()].filter((d) => d >= from);
    expect(got.retentionCohorts.reduce((n, c) => n + c.students, 0)).toBe(admitted.length);
    for (const c of got.retentionCohorts) {
      expect(c.retainedPercent).toHaveLength(6);
      for (const p of c.retainedPercent) if (p !== null) expect(p >= 0 && p <= 100).toBe(true);
    }
    // The oldest cohort has been with us over a month: its first figure is known.
    expect(got.retentionCohorts[0]!.retainedPercent[0]).not.toBeNull();
  });

  it('bad input: a coded error naming the field, never an internal one', async () => {
    const { f, t } = range();
    const cases: [string, Record<string, unknown>, [string, string | null]][] = [
      ['query($l: ID!, $f: Date!, $t: Date!) { occupancyHeatmap(libraryId: $l, from: $f, to: $t) { seats } }', { l: w.a.libraryId, f: t, t: f }, ['BAD_USER_INPUT', 'to']],
      ['query($l: ID!, $f: Date!, $t: Date!) { occupancyHeatmap(libraryId: $l, from: $f, to: $t) { seats } }', { l: w.a.libraryId, f: '2024-01-01', t }, ['BAD_USER_INPUT', 'to']],
      ['query($l: ID!, $f: Date!, $t: Date!) { occupancyHeatmap(libraryId: $l, from: $f, to: $t) { seats } }', { l: 'not-a-uuid', f, t }, ['NOT_FOUND', null]],
      ['query($f: Date!, $t: Date!) { insightTrend(from: $f, to: $t, grain: DAY) { grain } }', { f: '2020-01-01', t }, ['BAD_USER_INPUT', 'to']],
      ['query($l: ID!, $d: Date!) { insightRows(libraryId: $l, day: $d, figure: COLLECTED, first: 0) { value } }', { l: w.a.libraryId, d: t }, ['BAD_USER_INPUT', 'first']],
      ['query($l: ID!, $d: Date!) { insightRows(libraryId: $l, day: $d, figure: COLLECTED, first: 5) { value } }', { l: w.a.libraryId, d: formatDate(addDays(istDay(clock.now()), 3)) }, ['BAD_USER_INPUT', 'day']],
    ];
    for (const [doc, variables, expected] of cases) {
      const r = await gql(w.gateway.url, doc, { token: owner, variables });
      expect(errorCodes(r), doc).toEqual([expected]);
      expect(r.raw).not.toMatch(/INTERNAL_SERVER_ERROR|\bat \w+ \(/);
    }
  });

  it("branches and tenants: a manager of another branch, and another tenant's owner, find no library; staff and students may not read", async () => {
    const vars = { l: w.a.libraryId, ...range() };
    const doc = 'query($l: ID!, $f: Date!, $t: Date!) { occupancyHeatmap(libraryId: $l, from: $f, to: $t) { seats } }';
    const otherBranch = w.tokenFor({ sub: randomUUID(), role: 'MANAGER', tenantId: w.a.id, libraryIds: [libs[1]!] });
    expect(errorCodes(await gql(w.gateway.url, doc, { token: otherBranch, variables: vars }))).toEqual([['NOT_FOUND', null]]);
    expect(errorCodes(await gql(w.gateway.url, doc, { token: w.ownerToken(w.b), variables: vars }))).toEqual([['NOT_FOUND', null]]);
    // The branch manager's trend covers their branch only.
    const trend = await gql(w.gateway.url, 'query($f: Date!, $t: Date!) { insightTrend(from: $f, to: $t) { points { checkIns smsSent } } }', { token: otherBranch, variables: range() });
    const mine = (await stored()).libraries.filter((x) => x.libraryId === libs[1] && x.day >= addDays(istDay(clock.now()), -HISTORY_DAYS));
    const points = data<{ points: { checkIns: number; smsSent: number | null }[] }>(trend, 'insightTrend').points;
    expect(points.reduce((n, p) => n + p.checkIns, 0)).toBe(mine.reduce((n, x) => n + x.checkIns, 0));
    expect(points.every((p) => p.smsSent === null)).toBe(true);
    for (const role of ['STAFF', 'STUDENT'] as const) {
      const token = w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id });
      expect(errorCodes(await gql(w.gateway.url, doc, { token, variables: vars }))).toEqual([['FORBIDDEN', null]]);
    }
  });
});

describe('CSV exports', () => {
  const today = () => istDay(clock.now());
  const EXPORT = 'query($i: InsightExportInput!) { insightsExport(input: $i) { url expiresAt filename } }';
  const link = async (input: Record<string, unknown>, token = owner) => data<{ url: string; expiresAt: string; filename: string }>(await gql(w.gateway.url, EXPORT, { token, variables: { i: input } }), 'insightsExport');
  const download = async (url: string) => {
    const res = await fetch(url);
    const body = await res.text();
    return { res, body, rows: res.ok ? (parse(body, { columns: true }) as Record<string, string>[]) : [] };
  };
  const num = (s: string) => (s === '' ? null : Number(s));

  it('a trend by day over two pages says what the API says, the change carried across the page boundary', async () => {
    const f = formatDate(addDays(today(), -HISTORY_DAYS));
    const t = formatDate(today());
    const l = await link({ report: 'TREND', from: f, to: t, grain: 'DAY' });
    expect(l.filename).toBe(`trend-${f}-to-${t}.csv`);
    expect(new Date(l.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    const { res, rows, body } = await download(l.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${l.filename}"`);
    // Streamed, not buffered: no length known up front.
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(body.split('\n')[0]).toBe('period,days,checkIns,averageDailyStudents,averageAllocated,utilisationPercent,newStudents,leavingStudents,duesRaisedPaise,collectedPaise,collectedChangePercent,refundedPaise,overduePaise,smsSent');
    const api = data<{ points: Record<string, number | string | null>[] }>(
      await gql(w.gateway.url, 'query($f: Date!, $t: Date!) { insightTrend(from: $f, to: $t, grain: DAY) { points { period checkIns collectedPaise collectedChangePercent refundedPaise overduePaise smsSent } } }', { token: owner, variables: { f, t } }),
      'insightTrend',
    ).points;
    expect(rows.length).toBe(api.length);
    expect(rows.length).toBeGreaterThan(62); // more than one page of 62 days
    expect(rows.map((r) => ({ period: r.period, checkIns: num(r.checkIns!), collectedPaise: num(r.collectedPaise!), collectedChangePercent: num(r.collectedChangePercent!), refundedPaise: num(r.refundedPaise!), overduePaise: num(r.overduePaise!), smsSent: num(r.smsSent!) }))).toEqual(api);
  });

  it('the at-risk list carries names and phones, and a name that is a spreadsheet formula stays text', async () => {
    const api = data<{ students: { student: { id: string }; leaveProbability: number; reasons: string[] }[] }>(
      await gql(w.gateway.url, '{ studentsAtRisk(first: 500) { students { student { id } leaveProbability reasons } } }', { token: owner }),
      'studentsAtRisk',
    ).students;
    const first = api[0]!.student.id;
    const name = await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
      const s = await db.student.findUniqueOrThrow({ where: { id: first } });
      await db.student.update({ where: { id: first }, data: { name: '=HYPERLINK("http://evil.example","Click")' } });
      return s.name;
    });
    try {
      const { rows } = await download((await link({ report: 'STUDENTS_AT_RISK' })).url);
      expect(rows.map((r) => r.studentId)).toEqual(api.map((s) => s.student.id));
      expect(rows.map((r) => Number(r.leaveProbability))).toEqual(api.map((s) => s.leaveProbability));
      expect(rows[0]!.name).toBe(`'=HYPERLINK("http://evil.example","Click")`);
      expect(rows[0]!.reasons).toBe(api[0]!.reasons.join('; '));
      expect(rows.every((r) => /^\d{10,13}$/.test(r.phone!.replace(/^\+/, '')))).toBe(true);
    } finally {
      await w.world.platform.tenants.withTenant(w.a.id, (db) => db.student.update({ where: { id: first }, data: { name } }));
    }
  });

  it('every report downloads with its header and rows', async () => {
    const f = formatDate(addDays(today(), -HISTORY_DAYS));
    const t = formatDate(today());
    const yesterday = formatDate(addDays(today(), -1));
    const cases: [Record<string, unknown>, string, (n: number) => boolean][] = [
      [{ report: 'HEATMAP', libraryId: w.a.libraryId, from: f, to: t }, 'weekday,hour,averageInside,utilisationPercent,seats', (n) => n === 168],
      [{ report: 'TREND', from: f, to: t, grain: 'MONTH' }, 'period,', (n) => n >= 3 && n <= 4],
      [{ report: 'TREND', from: f, to: t, grain: 'WEEK' }, 'period,', (n) => n >= 11 && n <= 12],
      [{ report: 'COLLECTION_EFFICIENCY', from: f, to: t }, 'month,raisedPaise,collectedPaise,onTimePaise', (n) => n >= 3],
      [{ report: 'RENEWALS', from: f, to: t }, 'month,dueToRenew,renewed,renewalPercent', (n) => n >= 1],
      [{ report: 'RETENTION', from: f, to: t }, 'month,students,month1Percent,month2Percent', (n) => n >= 2],
      [{ report: 'OCCUPANCY_FORECAST', libraryId: w.a.libraryId }, 'at,value,low,high', (n) => n === 14 * 24],
      [{ report: 'COLLECTIONS_FORECAST' }, 'day,valuePaise,lowPaise,highPaise', (n) => n === 30],
      [{ report: 'ROWS', libraryId: w.a.libraryId, from: yesterday, figure: 'CHECK_INS' }, 'id,studentId,at,amount,detail', (n) => n >= 1],
    ];
    for (const [input, header, count] of cases) {
      const { res, body, rows } = await download((await link(input)).url);
      expect(res.status, JSON.stringify(input)).toBe(200);
      expect(body.startsWith(header), JSON.stringify(input)).toBe(true);
      expect(count(rows.length), `${JSON.stringify(input)}: ${rows.length} rows`).toBe(true);
    }
  });

  it("a branch manager's link covers their branch; another branch, bad input, a forged or expired link are refused with a code", async () => {
    const manager = w.tokenFor({ sub: randomUUID(), role: 'MANAGER', tenantId: w.a.id, libraryIds: [libs[1]!] });
    const { rows } = await download((await link({ report: 'STUDENTS_AT_RISK' }, manager)).url);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.libraryId))).toEqual(new Set([libs[1]]));
    const refused = async (input: Record<string, unknown>, token = owner) => errorCodes(await gql(w.gateway.url, EXPORT, { token, variables: { i: input } }));
    expect(await refused({ report: 'HEATMAP', libraryId: w.a.libraryId, from: formatDate(today()), to: formatDate(today()) }, manager)).toEqual([['NOT_FOUND', null]]);
    expect(await refused({ report: 'TREND', from: formatDate(today()) })).toEqual([['BAD_USER_INPUT', 'to']]);
    expect(await refused({ report: 'HEATMAP', from: formatDate(today()), to: formatDate(today()) })).toEqual([['BAD_USER_INPUT', 'libraryId']]);
    expect(await refused({ report: 'TREND', from: formatDate(today()), to: formatDate(addDays(today(), -1)) })).toEqual([['BAD_USER_INPUT', 'to']]);
    expect(await refused({ report: 'ROWS', libraryId: w.a.libraryId, from: formatDate(today()) })).toEqual([['BAD_USER_INPUT', 'figure']]);

    const good = (await link({ report: 'COLLECTIONS_FORECAST' })).url;
    const [base, token] = [good.slice(0, good.lastIndexOf('/') + 1), good.slice(good.lastIndexOf('/') + 1, -'.csv'.length)];
    const [body, sig] = token.split('.') as [string, string];
    // A claim changed (another report; all branches on a branch manager's link) breaks the signature.
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, r: 'STUDENTS_AT_RISK' })).toString('base64url');
    const managers = (await link({ report: 'STUDENTS_AT_RISK' }, manager)).url;
    const [mBody, mSig] = managers.slice(managers.lastIndexOf('/') + 1, -'.csv'.length).split('.') as [string, string];
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(mBody, 'base64url').toString()), s: '*' })).toString('base64url');
    expect((await download(`${base}${widened}.${mSig}.csv`)).res.status).toBe(404);
    for (const bad of [`${forged}.${sig}`, `${body}.${sig.slice(0, -2)}xx`, 'nonsense']) {
      const r = await download(`${base}${bad}.csv`);
      expect(r.res.status).toBe(404);
      expect(JSON.parse(r.body).errors[0].extensions.code).toBe('NOT_FOUND');
    }
    // A receipt's token never opens an export (each purpose signs with its own key).
    const receipt = signedToken(w.world.platform, 'receipt', { t: w.a.id, r: randomUUID() }).token;
    expect((await download(`${base}${receipt}.csv`)).res.status).toBe(404);
    const expired = signedToken(w.world.platform, 'insights-export', { ...claims, e: undefined }, Date.now() - 16 * 60_000).token;
    const old = await download(`${base}${expired}.csv`);
    expect(old.res.status).toBe(410);
    expect(JSON.parse(old.body).errors[0].extensions.code).toBe('LINK_EXPIRED');
  });
});

describe('platform executive view', () => {
  const DOC = `query($f: Date!, $t: Date!, $g: InsightGrain!) {
    platformInsights(from: $f, to: $t, grain: $g) {
      points { period days tenantsByState { state count } tenantsByPlan { plan count } subscriptionsByStatus { status count } mrrPaise netRevenueRetentionPercent trialConversionPercent smsCreditsUsed smsCreditsSold smsMarginPaise payments { provider count paise } }
      fastestGrowing { tenant { id name } growthPercent recentPaise previousPaise }
      atRiskTenants { tenant { id name } state reasons }
    }
    saasAnalytics { mrrPaise byStatus { status count } }
  }`;
  type Point = { period: string; days: number; tenantsByState: { state: string; count: number }[]; subscriptionsByStatus: { status: string; count: number }[]; mrrPaise: number; payments: { provider: string; count: number; paise: number }[] };
  type View = { points: Point[]; fastestGrowing: { tenant: { id: string; name: string } }[]; atRiskTenants: { tenant: { id: string; name: string }; state: string; reasons: string[] }[] };
  const admin = () => w.tokenFor({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null });
  const platformRows = () => w.world.platform.core.insightPlatformTenantDay.findMany({ orderBy: [{ day: 'asc' }, { tenantId: 'asc' }] }).then((rs) => rs.map(({ builtAt: _b, ...r }) => r));

  beforeAll(async () => {
    // The tenants joined the platform before the history the tests generated for them.
    const since = istDayStart(addDays(istDay(clock.now()), -HISTORY_DAYS - 5));
    await w.world.platform.core.tenant.updateMany({ where: { id: { in: [w.a.id, w.b.id] } }, data: { createdAt: since } });
  });

  it("one federated query: payments by provider equal every tenant's raw payments; MRR and states agree with the SaaS figures", async () => {
    const today = istDay(clock.now());
    const vars = { f: formatDate(addDays(today, -HISTORY_DAYS)), t: formatDate(today), g: 'MONTH' };
    const r = await gql(w.gateway.url, DOC, { token: admin(), variables: vars });
    expect(r.errors).toBeUndefined();
    const view = r.data!.platformInsights as View;
    const saas = r.data!.saasAnalytics as { mrrPaise: number; byStatus: { status: string; count: number }[] };
    // Fee payments by provider: the sum over every tenant's database, from the raw payments.
    const raw = new Map<string, { count: number; paise: number }>();
    for (const t of [w.a, w.b]) {
      const rows = await w.world.platform.tenants.withTenant(t.id, (db) =>
        db.payment.findMany({ where: { status: { in: ['CAPTURED', 'REFUNDED'] }, capturedAt: { gte: istDayStart(addDays(today, -HISTORY_DAYS)), lt: istDayStart(addDays(today, 1)) } } }),
      );
      for (const p of rows) raw.set(p.provider, { count: (raw.get(p.provider)?.count ?? 0) + 1, paise: (raw.get(p.provider)?.paise ?? 0) + p.amountPaise });
    }
    const summed = new Map<string, { count: number; paise: number }>();
    for (const p of view.points.flatMap((x) => x.payments)) summed.set(p.provider, { count: (summed.get(p.provider)?.count ?? 0) + p.count, paise: (summed.get(p.provider)?.paise ?? 0) + p.paise });
    expect(raw.size).toBeGreaterThan(1);
    expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(raw));
    // Today's end: the MRR and the subscriptions as billing's SaaS analytics count them now; the tenants as tenancy holds them.
    const last = view.points.at(-1)!;
    expect(last.mrrPaise).toBe(saas.mrrPaise);
    expect(last.subscriptionsByStatus).toEqual(saas.byStatus.filter((s) => s.count > 0).sort((a, b) => a.status.localeCompare(b.status)));
    const states = await w.world.platform.core.tenant.groupBy({ by: ['status'], _count: true, where: { createdAt: { lt: clock.now() } } });
    expect(last.tenantsByState).toEqual(states.map((s) => ({ state: s.status, count: s._count })).sort((a, b) => a.state.localeCompare(b.state)));
    expect(view.points.reduce((n, p) => n + p.days, 0)).toBe(HISTORY_DAYS + 1);
  });

  it('a rebuild changes nothing; a suspended tenant is at risk, named by tenancy in the same answer; tenants may not read it', async () => {
    const { buildPlatformRange } = await import('../subgraphs/insights/src/platform/build.service.ts');
    const today = istDay(clock.now());
    const before = await platformRows();
    expect(before.length).toBeGreaterThan(0);
    await Promise.all([buildPlatformRange(w.world.platform, addDays(today, -HISTORY_DAYS), today, clock.now()), buildPlatformRange(w.world.platform, addDays(today, -10), today, clock.now())]);
    expect(await platformRows()).toEqual(before);

    const core = w.world.platform.core;
    await core.tenant.update({ where: { id: w.b.id }, data: { status: 'SUSPENDED', suspendedAt: clock.now(), suspensionReason: 'test' } });
    try {
      await buildPlatformRange(w.world.platform, today, today, clock.now());
      const r = await gql(w.gateway.url, DOC, { token: admin(), variables: { f: formatDate(addDays(today, -30)), t: formatDate(today), g: 'WEEK' } });
      expect(r.errors).toBeUndefined();
      const view = r.data!.platformInsights as View;
      const b = view.atRiskTenants.find((x) => x.tenant.id === w.b.id);
      expect(b).toMatchObject({ state: 'SUSPENDED', reasons: expect.arrayContaining(['suspended']) });
      expect(b!.tenant.name).toBe((await core.tenant.findUniqueOrThrow({ where: { id: w.b.id } })).name);
      // Yesterday was closed before the suspension: it stays as it was.
      const yesterday = await core.insightPlatformTenantDay.findUniqueOrThrow({ where: { day_tenantId: { day: addDays(today, -1), tenantId: w.b.id } } });
      expect(yesterday).toMatchObject({ state: 'ACTIVE', final: true });
    } finally {
      await core.tenant.update({ where: { id: w.b.id }, data: { status: 'ACTIVE', suspendedAt: null, suspensionReason: null } });
      await buildPlatformRange(w.world.platform, today, today, clock.now());
    }
    const forbidden = await gql(w.gateway.url, DOC.replace(/saasAnalytics[^}]*}[^}]*}/, ''), { token: owner, variables: { f: formatDate(today), t: formatDate(today), g: 'DAY' } });
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const bad = await gql(w.gateway.url, 'query($f: Date!, $t: Date!) { platformInsights(from: $f, to: $t, grain: DAY) { grain } }', { token: admin(), variables: { f: formatDate(addDays(today, -200)), t: formatDate(today) } });
    expect(errorCodes(bad)).toEqual([['BAD_USER_INPUT', 'to']]);
  });
});
