// Campus's days for insights' rollups (runtime insight-facts.ts): per library and IST day, visits,
// student-minutes inside per hour, seats held and paused, students arriving and leaving — each figure
// one grouped statement over a range of days — and the rows behind one figure (a drill-down).
// An allocation holds its seat from its start to its end day; a cancelled one up to the IST day it was
// cancelled (its last change). A student is new on the start of their first such allocation and leaves
// on the end of their last, counted once that day is over.
import type { TenantPrisma } from '@studyspot/db';
import { dayOf, formatDate, istDay, istDaySql, istStartSql, type CampusDayFact, type CampusFigure, type DayRange, type FactRow, type StudentActivity } from '@studyspot/runtime';

/** Seats held on each library's days, with how many paused, for every library × day of the range. */
const held = (db: TenantPrisma, from: string, to: string, libs: string[] | null) =>
  db.$queryRawUnsafe<{ library_id: string; day: string; seats: number; allocated: number; paused: number }[]>(
    `WITH days AS (SELECT generate_series($1::date, $2::date, interval '1 day')::date AS day),
     live AS (${LIVE_SQL})
     SELECT l.id AS library_id, d.day::text AS day,
       (SELECT count(*)::int FROM seats s WHERE s.library_id = l.id) AS seats,
       count(a.id)::int AS allocated,
       count(a.id) FILTER (WHERE a.paused_from <= d.day AND a.paused_until >= d.day)::int AS paused
     FROM libraries l CROSS JOIN days d
     LEFT JOIN live a ON a.library_id = l.id AND a.start_date <= d.day AND a.end_day >= d.day
     WHERE ($3::uuid[] IS NULL OR l.id = ANY($3::uuid[]))
     GROUP BY l.id, d.day`,
    from,
    to,
    libs,
  );

/** Allocations that held a seat for at least a day, with the day they stopped holding it. */
const LIVE_SQL = `SELECT id, library_id, student_id, seat_id, shift_id, start_date, paused_from, paused_until,
    CASE WHEN status = 'CANCELLED' THEN LEAST(end_date, ${istDaySql('updated_at')}) ELSE end_date END AS end_day
  FROM seat_allocations WHERE status IN ('ACTIVE', 'PAUSED', 'CANCELLED')`;
const LIVE_HELD = `SELECT * FROM (${LIVE_SQL}) x WHERE end_day >= start_date`;

const visitsByDay = (db: TenantPrisma, from: string, to: string, libs: string[] | null) =>
  db.$queryRawUnsafe<{ library_id: string; day: string; check_ins: number; unique_students: number }[]>(
    `SELECT library_id, day::text AS day, count(*)::int AS check_ins, count(DISTINCT student_id)::int AS unique_students
     FROM visits WHERE day BETWEEN $1::date AND $2::date AND ($3::uuid[] IS NULL OR library_id = ANY($3::uuid[]))
     GROUP BY library_id, day`,
    from,
    to,
    libs,
  );

/** Seconds inside per library, day and IST hour: each visit from check-in to check-out (or now), within its day. */
const VISIT_SPANS = `SELECT id, library_id, student_id, day, checked_in_at AS a,
    LEAST(COALESCE(checked_out_at, $4::timestamptz), ${istStartSql('day + 1')}) AS b
  FROM visits WHERE day BETWEEN $1::date AND $2::date AND ($3::uuid[] IS NULL OR library_id = ANY($3::uuid[]))`;
const hourSeconds = (db: TenantPrisma, from: string, to: string, libs: string[] | null, now: Date) =>
  db.$queryRawUnsafe<{ library_id: string; day: string; hour: number; seconds: number }[]>(
    `WITH v AS (${VISIT_SPANS}),
     h AS (SELECT v.library_id, v.day, g.hour,
             GREATEST(v.a, ${istStartSql('v.day')} + g.hour * interval '1 hour') AS s,
             LEAST(v.b, ${istStartSql('v.day')} + (g.hour + 1) * interval '1 hour') AS e
           FROM v CROSS JOIN generate_series(0, 23) AS g(hour))
     SELECT library_id, day::text AS day, hour, SUM(EXTRACT(EPOCH FROM e - s))::float8 AS seconds
     FROM h WHERE e > s GROUP BY library_id, day, hour`,
    from,
    to,
    libs,
    now,
  );

const FIRSTS = `SELECT DISTINCT ON (student_id) id, student_id, library_id, start_date FROM (${LIVE_HELD}) x ORDER BY student_id, start_date, id`;
const LASTS = `SELECT DISTINCT ON (student_id) id, student_id, library_id, end_day FROM (${LIVE_HELD}) x ORDER BY student_id, end_day DESC, id`;

const arrivalsAndLeavers = (db: TenantPrisma, from: string, to: string, libs: string[] | null, today: string) =>
  db.$queryRawUnsafe<{ library_id: string; day: string; kind: 'new' | 'leaving'; n: number }[]>(
    `SELECT library_id, start_date::text AS day, 'new' AS kind, count(*)::int AS n FROM (${FIRSTS}) f
       WHERE start_date BETWEEN $1::date AND $2::date AND ($3::uuid[] IS NULL OR library_id = ANY($3::uuid[])) GROUP BY library_id, start_date
     UNION ALL
     SELECT library_id, end_day::text, 'leaving', count(*)::int FROM (${LASTS}) l
       WHERE end_day BETWEEN $1::date AND $2::date AND end_day < $4::date AND ($3::uuid[] IS NULL OR library_id = ANY($3::uuid[])) GROUP BY library_id, end_day`,
    from,
    to,
    libs,
    today,
  );

export async function campusDayFacts(db: TenantPrisma, r: DayRange, libraryIds: readonly string[] | null): Promise<CampusDayFact[]> {
  const [from, to, libs] = [formatDate(r.from), formatDate(r.to), libraryIds ? [...libraryIds] : null];
  const [base, visits, hours, people] = await Promise.all([
    held(db, from, to, libs),
    visitsByDay(db, from, to, libs),
    hourSeconds(db, from, to, libs, r.now),
    arrivalsAndLeavers(db, from, to, libs, formatDate(istDay(r.now))),
  ]);
  const key = (libraryId: string, day: string) => `${libraryId}|${day}`;
  const out = new Map<string, CampusDayFact>();
  for (const b of base) {
    out.set(key(b.library_id, b.day), {
      libraryId: b.library_id,
      day: dayOf(b.day),
      checkIns: 0,
      uniqueStudents: 0,
      occupancyMinutes: Array.from({ length: 24 }, () => 0),
      seats: b.seats,
      allocated: b.allocated,
      paused: b.paused,
      newStudents: 0,
      leavingStudents: 0,
    });
  }
  for (const v of visits) {
    const f = out.get(key(v.library_id, v.day));
    if (f) Object.assign(f, { checkIns: v.check_ins, uniqueStudents: v.unique_students });
  }
  for (const h of hours) {
    const f = out.get(key(h.library_id, h.day));
    if (f) f.occupancyMinutes[h.hour] = Math.round(h.seconds / 60);
  }
  for (const p of people) {
    const f = out.get(key(p.library_id, p.day));
    if (f) f[p.kind === 'new' ? 'newStudents' : 'leavingStudents'] = p.n;
  }
  return [...out.values()];
}

/** The rows behind one figure of a library's day. */
export async function campusDayRows(db: TenantPrisma, a: { libraryId: string; day: Date; figure: CampusFigure; now: Date; take: number }): Promise<FactRow[]> {
  const day = formatDate(a.day);
  switch (a.figure) {
    case 'CHECK_INS': {
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; a: Date; b: Date; out: Date | null }[]>(
        `SELECT v.id, v.student_id, v.a, v.b, x.checked_out_at AS out FROM (${VISIT_SPANS}) v JOIN visits x ON x.id = v.id
         ORDER BY v.a, v.id LIMIT $5`,
        day,
        day,
        [a.libraryId],
        a.now,
        a.take,
      );
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.a, amount: Math.max(0, Math.round((r.b.getTime() - r.a.getTime()) / 60_000)), detail: r.out ? 'visit' : 'visit (still inside or not checked out)' }));
    }
    case 'ALLOCATED': {
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; start_date: Date; end_day: Date; paused: boolean; seat: string; shift: string }[]>(
        `SELECT a.id, a.student_id, a.start_date, a.end_day, (a.paused_from <= $2::date AND a.paused_until >= $2::date) IS TRUE AS paused, s.label AS seat, sh.name AS shift
         FROM (${LIVE_HELD}) a JOIN seats s ON s.id = a.seat_id JOIN shifts sh ON sh.id = a.shift_id
         WHERE a.library_id = $1::uuid AND a.start_date <= $2::date AND a.end_day >= $2::date ORDER BY s.label, a.id LIMIT $3`,
        a.libraryId,
        day,
        a.take,
      );
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.start_date, amount: 1, detail: `seat ${r.seat}, ${r.shift}, ${formatDate(r.start_date)} to ${formatDate(r.end_day)}${r.paused ? ' (paused)' : ''}` }));
    }
    case 'NEW_STUDENTS':
    case 'LEAVING_STUDENTS': {
      const leaving = a.figure === 'LEAVING_STUDENTS';
      const rows = await db.$queryRawUnsafe<{ id: string; student_id: string; at: Date }[]>(
        leaving
          ? `SELECT id, student_id, end_day AS at FROM (${LASTS}) l WHERE library_id = $1::uuid AND end_day = $2::date AND end_day < $3::date ORDER BY student_id LIMIT $4`
          : `SELECT id, student_id, start_date AS at FROM (${FIRSTS}) f WHERE library_id = $1::uuid AND start_date = $2::date AND $3::date IS NOT NULL ORDER BY student_id LIMIT $4`,
        a.libraryId,
        day,
        formatDate(istDay(a.now)),
        a.take,
      );
      return rows.map((r) => ({ id: r.id, studentId: r.student_id, at: r.at, amount: 1, detail: leaving ? 'last allocation ended' : 'first allocation began' }));
    }
  }
}

/** The first day campus has anything on (a visit, or the start of an allocation that held a seat). */
export async function campusFirstDay(db: TenantPrisma): Promise<Date | null> {
  const [row] = await db.$queryRawUnsafe<{ day: string | null }[]>(`SELECT LEAST((SELECT min(day) FROM visits), (SELECT min(start_date) FROM (${LIVE_HELD}) x))::text AS day`);
  return row?.day ? dayOf(row.day) : null;
}

/** Students who held a seat at some time in [from, to], their first start, last end and visit days (insights' risk scores). */
export async function studentActivity(db: TenantPrisma, from: Date, to: Date, libraryIds: readonly string[] | null): Promise<StudentActivity[]> {
  const rows = await db.$queryRawUnsafe<{ student_id: string; library_id: string; first_start: string; last_end: string; days: string[] | null }[]>(
    `WITH s AS (
       SELECT student_id, min(start_date) AS first_start, max(end_day) AS last_end, (array_agg(library_id ORDER BY end_day DESC, id))[1] AS library_id
       FROM (${LIVE_HELD}) x GROUP BY student_id
       HAVING max(end_day) >= $1::date AND min(start_date) <= $2::date)
     SELECT s.student_id, s.library_id, s.first_start::text, s.last_end::text,
       (SELECT array_agg(DISTINCT v.day::text) FROM visits v WHERE v.student_id = s.student_id AND v.day BETWEEN $1::date - 56 AND $2::date) AS days
     FROM s WHERE ($3::uuid[] IS NULL OR s.library_id = ANY($3::uuid[]))`,
    formatDate(from),
    formatDate(to),
    libraryIds ? [...libraryIds] : null,
  );
  return rows.map((r) => ({ studentId: r.student_id, libraryId: r.library_id, firstStart: dayOf(r.first_start), lastEnd: dayOf(r.last_end), visitDays: (r.days ?? []).sort().map(dayOf) }));
}
