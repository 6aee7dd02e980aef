// The SQL of dues: lists, the rows behind relations (batched), balances per student.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import type { Tx } from '../shared/transactions.repository.ts';
import { idFilter, KEYSET_ORDER, ports, type afterCursorWhere } from '@studyspot/runtime';
import { addDays, istDay } from './dates.ts';

export type { Due } from '@studyspot/db/tenant';

export type DueRow = Awaited<ReturnType<typeof findDuesByIds>>[number];

export interface DueListFilter {
  status?: 'OPEN' | 'PAID' | 'VOID' | null;
  overdue?: boolean | null;
  libraryId?: string | null;
  shiftId?: string | null;
  month?: string | null;
  studentId?: string | null;
}

export function findDuesByIds(db: TenantPrisma, ids: readonly string[]) {
  return db.due.findMany({ where: { id: { in: [...ids] } } });
}

/** The `where` of a dues list: the caller's scope, then the filter. A month is YYYY-MM. */
export async function duesWhere(db: TenantPrisma, scope: object, f: DueListFilter, today = istDay()) {
  const month = f.month ? /^(\d{4})-(\d{2})$/.exec(f.month) : null;
  const monthStart = month ? new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)) : null;
  const allocationIds = f.shiftId ? await ports.campus.allocationIdsInShift(db, f.shiftId) : null;
  return {
    AND: [
      scope,
      f.overdue ? { status: 'OPEN' as const, dueDate: { lt: today } } : f.status ? { status: f.status } : { status: { in: ['OPEN' as const, 'PAID' as const] } },
      f.libraryId ? { libraryId: idFilter(f.libraryId) } : {},
      f.studentId ? { studentId: idFilter(f.studentId) } : {},
      allocationIds ? { allocationId: { in: allocationIds } } : {},
      monthStart ? { periodStart: { gte: monthStart, lt: new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1)) } } : {},
    ],
  };
}

export function listDues(db: TenantPrisma, take: number, after: ReturnType<typeof afterCursorWhere>, where: object) {
  return db.due.findMany({ where: { AND: [after, where] }, orderBy: KEYSET_ORDER, take });
}

export function duesOfStudents(db: TenantPrisma, studentIds: readonly string[], status?: 'OPEN' | 'PAID' | 'VOID' | null) {
  return db.due.findMany({ where: { studentId: { in: [...studentIds] }, status: status ?? { in: ['OPEN', 'PAID'] } }, orderBy: [{ dueDate: 'asc' }, { createdAt: 'asc' }] });
}

export function duesOfAllocations(db: TenantPrisma, allocationIds: readonly string[]) {
  return db.due.findMany({ where: { allocationId: { in: [...allocationIds] } }, orderBy: [{ kind: 'asc' }, { period: 'asc' }] });
}

export function adjustmentsOf(db: TenantPrisma, dueIds: readonly string[]) {
  return db.dueAdjustment.findMany({ where: { dueId: { in: [...dueIds] } }, orderBy: [{ createdAt: 'asc' }] });
}

/** Per student: what open dues still owe, and the credit they hold. */
export async function balancesOf(db: TenantPrisma, studentIds: readonly string[]): Promise<Map<string, { owedPaise: number; creditPaise: number }>> {
  const [owed, credit] = await Promise.all([
    db.$queryRaw<{ student_id: string; owed: number }[]>`
      SELECT student_id, SUM(amount_paise + adjustment_paise - paid_paise)::int AS owed FROM dues
      WHERE student_id = ANY(${[...studentIds]}::uuid[]) AND status = 'OPEN' GROUP BY student_id`,
    db.creditEntry.groupBy({ by: ['studentId'], where: { studentId: { in: [...studentIds] } }, _sum: { amountPaise: true } }),
  ]);
  const out = new Map(studentIds.map((id) => [id, { owedPaise: 0, creditPaise: 0 }]));
  for (const r of owed) out.get(r.student_id)!.owedPaise = r.owed;
  for (const r of credit) out.get(r.studentId)!.creditPaise = r._sum.amountPaise ?? 0;
  return out;
}

/** Open dues past their due date, for the sweep (overdue events and late fees). */
export function overdueDues(db: TenantPrisma, today = istDay(), take = 500) {
  return db.due.findMany({ where: { status: 'OPEN', dueDate: { lt: today } }, orderBy: [{ dueDate: 'asc' }], take });
}

export const daysOverdue = (due: { status: string; dueDate: Date }, today = istDay()) =>
  due.status === 'OPEN' && due.dueDate < today ? Math.round((today.getTime() - due.dueDate.getTime()) / 86_400_000) : 0;

export { addDays };

/** The open dues of these students, with what each still owes (a campaign's {balance} and {dueDate}). */
export const openDuesOf = (db: TenantPrisma, studentIds: readonly string[]) =>
  db.due.findMany({ where: { studentId: { in: [...studentIds] }, status: 'OPEN' }, select: { studentId: true, dueDate: true, amountPaise: true, adjustmentPaise: true, paidPaise: true } });

/** Open dues falling due on a day, or in a range (automatic fee reminders), at most 5,000. */
export const openDuesDue = (db: TenantPrisma, when: { equals: Date } | { lt: Date; gte: Date }) => db.due.findMany({ where: { status: 'OPEN', dueDate: when }, take: 5_000 });

export const anyOpenDue = async (db: TenantPrisma) => Boolean(await db.due.findFirst({ where: { status: 'OPEN' }, select: { id: true } }));

/** Those of these ids that are open dues of the student. */
export const openDuesOfStudent = (db: TenantPrisma, studentId: string, ids: string[]) => db.due.findMany({ where: { id: { in: ids }, studentId, status: 'OPEN' } });

// Inside the caller's transaction (dues.sync.ts keeps an allocation's dues in line).
export const duesOfAllocationTx = (tx: Tx, allocationId: string) => tx.due.findMany({ where: { allocationId } });
export const createDueTx = (tx: Tx, data: TenantPrismaNs.DueUncheckedCreateInput) => tx.due.create({ data });
export const updateDueTx = (tx: Tx, id: string, data: TenantPrismaNs.DueUncheckedUpdateInput) => tx.due.update({ where: { id }, data });

/** A student's open dues, oldest due first (what an online order pays). */
export const openDuesOldestFirst = (db: TenantPrisma, studentId: string) => db.due.findMany({ where: { studentId, status: 'OPEN' }, orderBy: [{ dueDate: 'asc' }, { createdAt: 'asc' }] });
/** How many of these ids are dues of the student that are no longer open. */
export const countClosedOf = (db: TenantPrisma, studentId: string, ids: string[]) => db.due.count({ where: { id: { in: ids }, studentId, status: { not: 'OPEN' } } });

export const adjustmentByKey = (db: TenantPrisma | Tx, idempotencyKey: string) => db.dueAdjustment.findUnique({ where: { idempotencyKey } });
export const findDue = (db: TenantPrisma, id: string) => db.due.findUnique({ where: { id } });
export const findDueOrThrow = (db: TenantPrisma, id: string) => db.due.findUniqueOrThrow({ where: { id } });

/** A due's balance and status, locked until the transaction ends (null: no such due). */
export const lockDue = async (tx: Tx, id: string) =>
  (await tx.$queryRaw<{ balance: number; status: string }[]>`SELECT (amount_paise + adjustment_paise - paid_paise)::int AS balance, status::text AS status FROM dues WHERE id = ${id}::uuid FOR UPDATE`)[0] ?? null;

/** A discount or waiver on a due: the adjustment row and the due's adjusted amount (PAID when settled by it). */
export async function adjust(tx: Tx, a: { dueId: string; kind: 'DISCOUNT' | 'WAIVER'; amountPaise: number; reason: string; actorId: string | null; idempotencyKey: string | null; settles: boolean }) {
  await tx.dueAdjustment.create({ data: { dueId: a.dueId, kind: a.kind, amountPaise: -a.amountPaise, reason: a.reason, actorId: a.actorId, idempotencyKey: a.idempotencyKey } });
  return tx.due.update({ where: { id: a.dueId }, data: { adjustmentPaise: { decrement: a.amountPaise }, status: a.settles ? 'PAID' : 'OPEN' } });
}

/** Brings a due's one LATE_FEE adjustment up to `wanted`, under the due's lock; what was added (0: nothing). */
export async function raiseLateFee(tx: Tx, dueId: string, wanted: number, reason: string): Promise<number> {
  await tx.$queryRaw`SELECT id FROM dues WHERE id = ${dueId}::uuid FOR UPDATE`;
  const existing = await tx.dueAdjustment.findFirst({ where: { dueId, kind: 'LATE_FEE' } });
  const delta = wanted - (existing?.amountPaise ?? 0);
  if (delta <= 0) return 0;
  if (existing) await tx.dueAdjustment.update({ where: { id: existing.id }, data: { amountPaise: wanted, reason } });
  else await tx.dueAdjustment.create({ data: { dueId, kind: 'LATE_FEE', amountPaise: wanted, reason } });
  await tx.due.update({ where: { id: dueId }, data: { adjustmentPaise: { increment: delta } } });
  return delta;
}

/** Marks a due as announced overdue, once; false when it was announced already. */
export const markOverdueNotified = async (db: TenantPrisma, id: string, at: Date) => (await db.due.updateMany({ where: { id, overdueNotifiedAt: null }, data: { overdueNotifiedAt: at } })).count === 1;

export const settingsRow = (db: TenantPrisma) => db.billingSettings.findUnique({ where: { id: 1 } });
export const saveSettings = (db: TenantPrisma, data: { lateFeeKind: 'NONE' | 'FLAT' | 'PER_DAY'; lateFeePaise: number; lateFeeGraceDays: number; lateFeeCapPaise: number | null }) =>
  db.billingSettings.upsert({ where: { id: 1 }, create: data, update: data });

/** A student's earliest open due with something owed, locked until the transaction ends. */
export const lockNextOpenDue = async (tx: Tx, studentId: string) =>
  (await tx.$queryRaw<{ id: string; balance: number }[]>`
    SELECT id, (amount_paise + adjustment_paise - paid_paise)::int AS balance FROM dues
    WHERE student_id = ${studentId}::uuid AND status = 'OPEN' AND amount_paise + adjustment_paise - paid_paise > 0
    ORDER BY due_date, created_at, id LIMIT 1 FOR UPDATE`)[0] ?? null;

/** Takes a discount back: a positive DISCOUNT_REVERSED adjustment; a paid due is open again for it. */
export async function reverseAdjustment(tx: Tx, a: { dueId: string; amountPaise: number; reason: string; idempotencyKey: string }) {
  await tx.dueAdjustment.create({ data: { dueId: a.dueId, kind: 'DISCOUNT_REVERSED', amountPaise: a.amountPaise, reason: a.reason, idempotencyKey: a.idempotencyKey } });
  return tx.due.update({ where: { id: a.dueId }, data: { adjustmentPaise: { increment: a.amountPaise }, status: 'OPEN' } });
}
