// The only code that reads or writes engagement's tickets, their conversation, assignment rules,
// SLAs and saved replies.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { KEYSET_ORDER_DESC } from '@studyspot/runtime';

export type TicketRow = NonNullable<Awaited<ReturnType<typeof findTicket>>>;
export type TicketMessageRow = Awaited<ReturnType<typeof messagesOf>>[number];
export type TicketRuleRow = Awaited<ReturnType<typeof rules>>[number];
export type SavedReplyRow = Awaited<ReturnType<typeof savedReplies>>[number];
export type TicketStatus = TicketRow['status'];
export type TicketCategory = TicketRow['category'];
export type TicketPriority = TicketRow['priority'];
export type MessageKind = 'PUBLIC' | 'INTERNAL' | 'EVENT';

/** Open: not yet resolved nor closed. */
export const OPEN_STATUSES: TicketStatus[] = ['NEW', 'OPEN', 'WAITING_ON_STUDENT'];

export const findTicket = (db: TenantPrisma, id: string) => db.ticket.findUnique({ where: { id } });
export const ticketsByIds = (db: TenantPrisma, ids: readonly string[]) => db.ticket.findMany({ where: { id: { in: [...ids] } } });
/** Each ticket of these students: when raised, and when resolved or closed (insights' risk, through the port). */
export const ticketsOfStudents = (db: TenantPrisma, studentIds: readonly string[]) =>
  db.ticket.findMany({ where: { studentId: { in: [...studentIds] } }, select: { studentId: true, createdAt: true, resolvedAt: true, closedAt: true }, orderBy: { createdAt: 'asc' } });

export const createTicket = (db: TenantPrisma, data: Omit<TenantPrismaNs.TicketUncheckedCreateInput, 'id' | 'number'>) => db.ticket.create({ data });

/** Changes a ticket only while it is in one of `from` (a concurrent change wins once); the row, or null. */
export async function updateIf(db: TenantPrisma, id: string, where: { status?: TicketStatus[]; assigneeId?: string | null; unrated?: true }, data: TenantPrismaNs.TicketUncheckedUpdateManyInput) {
  const n = await db.ticket.updateMany({
    where: { id, ...(where.status ? { status: { in: where.status } } : {}), ...(where.assigneeId !== undefined ? { assigneeId: where.assigneeId } : {}), ...(where.unrated ? { satisfaction: null } : {}) },
    data,
  });
  return n.count === 1 ? findTicket(db, id) : null;
}

export const addMessage = (db: TenantPrisma, m: { ticketId: string; kind: MessageKind; authorId: string | null; byStudent: boolean; body: string; at: Date }) => db.ticketMessage.create({ data: m });

/** A ticket's conversation, oldest first (at most 500); `kinds` limits what is read (a student's view: PUBLIC only). */
export const messagesOf = (db: TenantPrisma, ticketIds: readonly string[], kinds?: MessageKind[]) =>
  db.ticketMessage.findMany({ where: { ticketId: { in: [...ticketIds] }, ...(kinds ? { kind: { in: kinds } } : {}) }, orderBy: [{ at: 'asc' }, { seq: 'asc' }], take: 500 * ticketIds.length });

/** The student's open tickets of a category (the duplicate warning). */
export const openOfStudent = (db: TenantPrisma, studentId: string, category: TicketCategory) =>
  db.ticket.findMany({ where: { studentId, category, status: { in: OPEN_STATUSES } }, orderBy: { createdAt: 'asc' }, take: 5 });

export interface TicketFilter {
  status?: TicketStatus[] | null;
  assigneeId?: string | null;
  unassigned?: boolean | null;
  studentId?: string | null;
  libraryIds?: string[] | null;
  category?: TicketCategory | null;
}

/** A page of tickets, newest first. */
export function ticketsPage(db: TenantPrisma, take: number, cursor: object, f: TicketFilter) {
  return db.ticket.findMany({
    where: {
      AND: [
        f.status?.length ? { status: { in: f.status } } : {},
        f.assigneeId ? { assigneeId: f.assigneeId } : {},
        f.unassigned ? { assigneeId: null } : {},
        f.studentId ? { studentId: f.studentId } : {},
        f.libraryIds ? { libraryId: { in: f.libraryIds } } : {},
        f.category ? { category: f.category } : {},
        cursor,
      ],
    },
    orderBy: KEYSET_ORDER_DESC,
    take,
  });
}

/** Open tickets per assignee among these accounts (assignment by fewest open tickets). */
export async function openTicketCounts(db: TenantPrisma, assigneeIds: string[]): Promise<Map<string, number>> {
  const rows = await db.ticket.groupBy({ by: ['assigneeId'], where: { assigneeId: { in: assigneeIds }, status: { in: OPEN_STATUSES } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.assigneeId!, r._count._all]));
}

// --- rules, SLAs, saved replies ---

export const rules = (db: TenantPrisma) => db.ticketRule.findMany({ orderBy: [{ category: 'asc' }, { createdAt: 'asc' }] });
/** The rule of a category for a library (or every library), replacing the one there was. */
export const saveRule = (db: TenantPrisma, r: { category: TicketCategory; libraryId: string | null; assigneeId: string | null; role: string | null; minConfidence: number; createdAt: Date }) =>
  db.$transaction(async (tx) => {
    await tx.ticketRule.deleteMany({ where: { category: r.category, libraryId: r.libraryId } });
    return tx.ticketRule.create({ data: r });
  });
export const deleteRule = async (db: TenantPrisma, id: string) => (await db.ticketRule.deleteMany({ where: { id } })).count === 1;

export const slas = (db: TenantPrisma) => db.ticketSla.findMany();
export const saveSla = (db: TenantPrisma, s: { priority: TicketPriority; firstResponseMinutes: number; resolutionMinutes: number; updatedAt: Date }) =>
  db.ticketSla.upsert({ where: { priority: s.priority }, create: s, update: s });

export const savedReplies = (db: TenantPrisma) => db.savedReply.findMany({ orderBy: { title: 'asc' }, take: 200 });
export const findSavedReply = (db: TenantPrisma, id: string) => db.savedReply.findUnique({ where: { id } });
export const createSavedReply = (db: TenantPrisma, r: { title: string; body: string; createdById: string | null; createdAt: Date }) => db.savedReply.create({ data: r });
export const deleteSavedReply = async (db: TenantPrisma, id: string) => (await db.savedReply.deleteMany({ where: { id } })).count === 1;

// --- the sweep ---

/** Open tickets with a deadline not yet told of (at most 5,000): what the SLA sweep looks at. */
export const slaWatch = (db: TenantPrisma) =>
  db.ticket.findMany({
    where: { status: { in: ['NEW', 'OPEN'] }, breachedAt: null },
    select: { id: true, number: true, subject: true, libraryId: true, assigneeId: true, escalationLevel: true, firstResponseDueAt: true, resolutionDueAt: true, firstRespondedAt: true, atRiskAt: true, createdAt: true },
    take: 5_000,
  });

/** Resolved tickets whose reopen window has passed (closed by the sweep). */
export const closeResolvedBefore = async (db: TenantPrisma, before: Date, at: Date) =>
  (await db.ticket.updateMany({ where: { status: 'RESOLVED', resolvedAt: { lte: before } }, data: { status: 'CLOSED', closedAt: at, updatedAt: at } })).count;
export const nextResolvedClose = (db: TenantPrisma) => db.ticket.findFirst({ where: { status: 'RESOLVED' }, orderBy: { resolvedAt: 'asc' }, select: { resolvedAt: true } });

/** Resolved and closed tickets with their first student message (what a tenant's triage model learns from; newest 2,000). */
export async function learnable(db: TenantPrisma) {
  const rows = await db.ticket.findMany({
    where: { status: { in: ['RESOLVED', 'CLOSED'] } },
    orderBy: { createdAt: 'desc' },
    take: 2_000,
    select: { subject: true, category: true, priority: true, messages: { where: { kind: 'PUBLIC', byStudent: true }, orderBy: [{ at: 'asc' }, { seq: 'asc' }], take: 1, select: { body: true } } },
  });
  return rows.map((r) => ({ text: `${r.subject} ${r.messages[0]?.body ?? ''}`, category: r.category, priority: r.priority }));
}

// --- reports ---

export interface TicketReportRow {
  library_id: string;
  opened: number;
  open_now: number;
  overdue: number;
  resolved: number;
  sla_met: number;
  first_response_minutes_median: number | null;
  satisfaction_avg: number | null;
  rated: number;
}

/** Per library: tickets raised in [from, to), open now, overdue now, resolved in the period and how many within their SLA, median first response, satisfaction. */
export const report = (db: TenantPrisma, from: Date, to: Date, now: Date, libraryIds: string[] | null) =>
  db.$queryRaw<TicketReportRow[]>`
    SELECT library_id,
      COUNT(*) FILTER (WHERE created_at >= ${from} AND created_at < ${to})::int AS opened,
      COUNT(*) FILTER (WHERE status IN ('NEW', 'OPEN', 'WAITING_ON_STUDENT'))::int AS open_now,
      COUNT(*) FILTER (WHERE status IN ('NEW', 'OPEN', 'WAITING_ON_STUDENT') AND (resolution_due_at < ${now} OR (first_responded_at IS NULL AND first_response_due_at < ${now})))::int AS overdue,
      COUNT(*) FILTER (WHERE resolved_at >= ${from} AND resolved_at < ${to})::int AS resolved,
      COUNT(*) FILTER (WHERE resolved_at >= ${from} AND resolved_at < ${to} AND resolved_at <= resolution_due_at AND first_responded_at <= first_response_due_at)::int AS sla_met,
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM first_responded_at - created_at) / 60) FILTER (WHERE created_at >= ${from} AND created_at < ${to} AND first_responded_at IS NOT NULL))::float AS first_response_minutes_median,
      (AVG(satisfaction) FILTER (WHERE satisfaction IS NOT NULL AND resolved_at >= ${from} AND resolved_at < ${to}))::float AS satisfaction_avg,
      COUNT(satisfaction) FILTER (WHERE resolved_at >= ${from} AND resolved_at < ${to})::int AS rated
    FROM tickets
    WHERE ${libraryIds === null} OR library_id = ANY(${libraryIds ?? []}::uuid[])
    GROUP BY library_id ORDER BY library_id`;
