// Billing's days for insights' rollups (runtime insight-facts.ts): per library and IST day, dues
// falling due, money captured (and how late it was for the dues it paid), refunds processed, and what
// was owed at the day's end on dues whose date had come — each one grouped statement over a range of
// days — and the rows behind one figure (a drill-down). Only constant SQL text is spliced; every value
// is a bound parameter.
import type { TenantPrisma } from '@studyspot/db';
import { dayOf, formatDate, istDaySql, istStartSql, type BillingDayFact, type BillingFigure, type DayRange, type DueRecord, type FactRow } from '@studyspot/runtime';

const IN_LIBS = (col: string) => `($3::uuid[] IS NULL OR ${col} = ANY($3::uuid[]))`;

const raisedSql = `SELECT library_id, due_date::text AS day, SUM(amount_paise + adjustment_paise)::int AS paise
  FROM dues WHERE status <> 'VOID' AND due_date BETWEEN $1::date AND $2::date AND ${IN_LIBS('library_id')} GROUP BY library_id, due_date`;

const CAPTURED = `SELECT id, student_id, library_id, amount_paise, provider, method, captured_at, ${istDaySql('captured_at')} AS day FROM payments
  WHERE status IN ('CAPTURED', 'REFUNDED') AND library_id IS NOT NULL
    AND captured_at >= ${istStartSql('$1::date')} AND captured_at < ${istStartSql('$2::date + 1')} AND ${IN_LIBS('library_id')}`;

/** Captured money per day and lateness bucket (0–3 by days late for the due it paid; 4 not applied to a due). */
const collectedSql = `WITH p AS (${CAPTURED}),
  applied AS (SELECT p.library_id, p.day,
      CASE WHEN p.day - d.due_date <= 0 THEN 0 WHEN p.day - d.due_date <= 7 THEN 1 WHEN p.day - d.due_date <= 30 THEN 2 ELSE 3 END AS bucket,
      pa.amount_paise
    FROM p JOIN payment_allocations pa ON pa.payment_id = p.id AND pa.amount_paise > 0 JOIN dues d ON d.id = pa.due_id),
  ahead AS (SELECT p.library_id, p.day, 4 AS bucket,
      GREATEST(0, p.amount_paise - COALESCE((SELECT SUM(amount_paise) FROM payment_allocations pa WHERE pa.payment_id = p.id AND pa.amount_paise > 0), 0)) AS amount_paise
    FROM p)
  SELECT library_id, day::text AS day, bucket, LEAST(SUM(amount_paise), 2147483647)::int AS paise FROM (SELECT * FROM applied UNION ALL SELECT * FROM ahead) x
  GROUP BY library_id, day, bucket`;

const REFUNDS = `SELECT r.id, p.student_id, p.library_id, r.amount_paise, r.processed_at, ${istDaySql('r.processed_at')} AS day FROM refunds r JOIN payments p ON p.id = r.payment_id
  WHERE r.status = 'PROCESSED' AND p.library_id IS NOT NULL AND r.processed_at >= ${istStartSql('$1::date')} AND r.processed_at < ${istStartSql('$2::date + 1')} AND ${IN_LIBS('p.library_id')}`;
const refundedSql = `SELECT library_id, day::text AS day, SUM(amount_paise)::int AS paise FROM (${REFUNDS}) r GROUP BY library_id, day`;

/**
 * What each due whose date had come still owed at the end of each day: its charge, adjusted and paid
 * by then (a due fully paid before the day's end, and not changed since, owed nothing that day).
 */
const OWED = `WITH days AS (SELECT g::date AS day, ${istStartSql('g::date + 1')} AS e FROM generate_series($1::date, $2::date, interval '1 day') g)
  SELECT x.day, d.id, d.student_id, d.library_id, d.due_date,
    GREATEST(0, d.amount_paise
      + COALESCE((SELECT SUM(j.amount_paise) FROM due_adjustments j WHERE j.due_id = d.id AND j.created_at < x.e), 0)
      - COALESCE((SELECT SUM(pa.amount_paise) FROM payment_allocations pa WHERE pa.due_id = d.id AND pa.created_at < x.e), 0))::int AS owed
  FROM days x JOIN dues d ON d.due_date <= x.day AND d.created_at < x.e AND d.status <> 'VOID' AND (d.status = 'OPEN' OR d.updated_at >= x.e)
  WHERE ${IN_LIBS('d.library_id')}`;
const overdueSql = `SELECT library_id, day::text AS day, SUM(owed)::int AS paise FROM (${OWED}) o WHERE owed > 0 GROUP BY library_id, day`;

type Sum = { library_id: string; day: string; paise: number };

export async function billingDayFacts(db: TenantPrisma, r: DayRange, libraryIds: readonly string[] | null): Promise<BillingDayFact[]> {
  const args = [formatDate(r.from), formatDate(r.to), libraryIds ? [...libraryIds] : null] as const;
  const [raised, collected, refunded, overdue] = await Promise.all([
    db.$queryRawUnsafe<Sum[]>(raisedSql, ...args),
    db.$queryRawUnsafe<(Sum & { bucket: number })[]>(collectedSql, ...args),
    db.$queryRawUnsafe<Sum[]>(refundedSql, ...args),
    db.$queryRawUnsafe<Sum[]>(overdueSql, ...args),
  ]);
  const out = new Map<string, BillingDayFact>();
  const at = (libraryId: string, day: string) => {
    const k = `${libraryId}|${day}`;
    let f = out.get(k);
    if (!f) out.set(k, (f = { libraryId, day: dayOf(day), duesRaisedPaise: 0, collectedPaise: 0, collectedByAgePaise: [0, 0, 0, 0, 0], refundedPaise: 0, overduePaise: 0 }));
    return f;
  };
  for (const x of raised) at(x.library_id, x.day).duesRaisedPaise = x.paise;
  for (const x of collected) {
    const f = at(x.library_id, x.day);
    f.collectedByAgePaise[x.bucket] = x.paise;
    f.collectedPaise += x.paise;
  }
  for (const x of refunded) at(x.library_id, x.day).refundedPaise = x.paise;
  for (const x of overdue) at(x.library_id, x.day).overduePaise = x.paise;
  return [...out.values()];
}

/** The rows behind one figure of a library's day. */
export async function billingDayRows(db: TenantPrisma, a: { libraryId: string; day: Date; figure: BillingFigure; take: number }): Promise<FactRow[]> {
  const args = [formatDate(a.day), formatDate(a.day), [a.libraryId], a.take] as const;
  switch (a.figure) {
    case 'DUES_RAISED': {
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; paise: number; kind: string; period: number; due_date: Date }[]>(
        `SELECT id, student_id, (amount_paise + adjustment_paise)::int AS paise, kind::text AS kind, period, due_date FROM dues
         WHERE status <> 'VOID' AND due_date BETWEEN $1::date AND $2::date AND ${IN_LIBS('library_id')} ORDER BY id LIMIT $4`,
        ...args,
      );
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.due_date, amount: r.paise, detail: r.kind === 'MONTHLY' ? `monthly fee, period ${r.period + 1}` : r.kind.toLowerCase().replace('_', ' ') }));
    }
    case 'COLLECTED': {
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; amount_paise: number; provider: string; method: string; captured_at: Date }[]>(`SELECT * FROM (${CAPTURED}) p ORDER BY captured_at, id LIMIT $4`, ...args);
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.captured_at, amount: r.amount_paise, detail: `${r.provider} ${r.method.toLowerCase().replace(/_/g, ' ')}` }));
    }
    case 'REFUNDED': {
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; amount_paise: number; processed_at: Date }[]>(`SELECT * FROM (${REFUNDS}) r ORDER BY processed_at, id LIMIT $4`, ...args);
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.processed_at, amount: r.amount_paise, detail: 'refund processed' }));
    }
    case 'OVERDUE': {
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; owed: number; due_date: Date }[]>(`SELECT * FROM (${OWED}) o WHERE owed > 0 ORDER BY due_date, id LIMIT $4`, ...args);
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.due_date, amount: r.owed, detail: `due ${formatDate(r.due_date)}, owed at the day's end` }));
    }
  }
}

/** The first day billing has anything on (a due's date or a capture). */
export async function billingFirstDay(db: TenantPrisma): Promise<Date | null> {
  const [row] = await db.$queryRawUnsafe<{ day: string | null }[]>(
    `SELECT LEAST((SELECT min(due_date) FROM dues WHERE status <> 'VOID'), (SELECT ${istDaySql('min(captured_at)')} FROM payments WHERE status IN ('CAPTURED', 'REFUNDED')))::text AS day`,
  );
  return row?.day ? dayOf(row.day) : null;
}

/** The dues of these students (void ones left out), with the IST day each was paid in full (insights' risk scores). */
export async function dueRecords(db: TenantPrisma, studentIds: readonly string[]): Promise<DueRecord[]> {
  if (!studentIds.length) return [];
  const rows = await db.$queryRawUnsafe<{ student_id: string; due_date: string; kind: DueRecord['kind']; period_start: string; period_end: string; charge: number; paid_on: string | null }[]>(
    `SELECT d.student_id, d.due_date::text AS due_date, d.kind::text AS kind, d.period_start::text AS period_start, d.period_end::text AS period_end, (d.amount_paise + d.adjustment_paise)::int AS charge,
       CASE WHEN d.status = 'PAID' THEN (SELECT ${istDaySql('max(pa.created_at)')} FROM payment_allocations pa WHERE pa.due_id = d.id AND pa.amount_paise > 0)::text END AS paid_on
     FROM dues d WHERE d.status <> 'VOID' AND d.student_id = ANY($1::uuid[]) ORDER BY d.student_id, d.due_date`,
    [...studentIds],
  );
  return rows.map((r) => ({ studentId: r.student_id, dueDate: dayOf(r.due_date), kind: r.kind, periodStart: dayOf(r.period_start), periodEnd: dayOf(r.period_end), chargePaise: r.charge, paidOn: r.paid_on ? dayOf(r.paid_on) : null }));
}
