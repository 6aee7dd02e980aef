// Tickets: raised by a student (their own) or by staff for a student; triaged (triage/), given their
// SLA deadlines (sla.service.ts) and an assignee (assignment.service.ts); a conversation of public
// replies and internal notes (a student never reads a note: every read of messages goes through
// `visibleKinds`); statuses NEW → OPEN ⇄ WAITING_ON_STUDENT → RESOLVED → CLOSED, reopened by the
// student within the reopen window; satisfaction 1–5 once resolved; a duplicate warning when the
// student has an open ticket of the same category.
import { clock, emptyConnection, isUuid, paginate, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { actorOf, branchesAsked, inBranches } from '../shared/scope.ts';
import { CONTROL, checkedText } from '../shared/text.ts';
import { modelFor } from '../triage/classifier.ts';
import { pickAssignee } from './assignment.service.ts';
import { fillSavedReply } from './replies.service.ts';
import { activeDeadline, atRiskFrom, deadlines, REOPEN_WINDOW_MS, resumeClocks } from './sla.service.ts';
import * as repo from './tickets.repository.ts';
import type { TicketCategory, TicketPriority, TicketRow, TicketStatus } from './tickets.repository.ts';
import { notifyStaff, notifyStudent, publishTicket, studentCaller, ticketLabel, visibleTicket } from './tickets.shared.ts';

const none = { ticket: null, duplicates: [] as TicketRow[] };
const refuse = (code: Parameters<typeof fail>[0], message: string, ...field: string[]) => ({ ...none, ...fail(code, message, ...field) });


/** The triage suggestion for a ticket's text, from the tenant's model. */
export async function triage(s: Pick<RequestScope, 'db' | 'tenantId'>, subject: string, body: string) {
  const model = await modelFor(s.tenantId, clock.nowMs(), () => repo.learnable(s.db));
  return { ...model.suggest(`${subject} ${body}`), source: model.source };
}

export interface RaiseInput {
  subject: string;
  body: string;
  category?: TicketCategory | null;
  priority?: TicketPriority | null;
  libraryId?: string | null;
  seatId?: string | null;
  /** Staff: the student it is for. */
  studentId?: string | null;
  /** Raise it even though the student has an open ticket of the category. */
  allowDuplicate?: boolean | null;
}

export async function raiseTicket(ctx: SubgraphContext, s: RequestScope, i: RaiseInput) {
  const subject = checkedText(i.subject, ['input', 'subject'], 200);
  if (typeof subject !== 'string') return { ...none, userErrors: [subject] };
  const body = checkedText(i.body, ['input', 'body'], 5_000);
  if (typeof body !== 'string') return { ...none, userErrors: [body] };
  const own = await studentCaller(s);
  if (own === 'none') return refuse('NOT_FOUND', 'Your account has no student record here', 'input');
  const studentId = own ?? i.studentId;
  if (!studentId || !isUuid(studentId)) return refuse(own ? 'NOT_FOUND' : 'INVALID_INPUT', 'Name the student the ticket is for', 'input', 'studentId');
  const [student] = await ports.campus.students(s.db, [studentId]);
  const libraryId = i.libraryId ?? student?.libraryId ?? null;
  if (!student || (s.libraryIds !== null && !(libraryId && inBranches(s, libraryId)))) return refuse('NOT_FOUND', 'No such student', 'input', 'studentId');
  if (!libraryId || !isUuid(libraryId) || !(await ports.campus.librariesExist(s.db, [libraryId]))) return refuse('NOT_FOUND', 'No such library', 'input', 'libraryId');
  if (i.seatId && !isUuid(i.seatId)) return refuse('NOT_FOUND', 'No such seat', 'input', 'seatId');
  // Students describe; the desk (or triage) decides how urgent it is.
  if (own && i.priority) return refuse('INVALID_INPUT', 'The library sets the priority', 'input', 'priority');
  const suggestion = await triage(s, subject, body);
  const category = i.category ?? suggestion.category;
  const priority = i.priority ?? suggestion.priority;
  if (!i.allowDuplicate) {
    const duplicates = await repo.openOfStudent(s.db, studentId, category);
    if (duplicates.length) return { ticket: null, duplicates, ...fail('DUPLICATE_TICKET', `${duplicates.map(ticketLabel).join(', ')} about ${category.toLowerCase()} is still open: add to it, or raise this one with allowDuplicate`, 'input', 'category') };
  }
  const now = clock.now();
  const due = await deadlines(s.db, libraryId, priority, now);
  const assignee = await pickAssignee(ctx, s, { libraryId, category, confidence: i.category ? null : suggestion.confidence });
  const ticket = await repo.createTicket(s.db, {
    libraryId,
    seatId: i.seatId ?? null,
    studentId,
    raisedById: actorOf(s),
    subject,
    category,
    priority,
    suggestedCategory: suggestion.category,
    suggestedPriority: suggestion.priority,
    suggestionConfidence: suggestion.confidence,
    assigneeId: assignee?.person.id ?? null,
    ...due,
    createdAt: now,
    updatedAt: now,
  });
  await repo.addMessage(s.db, { ticketId: ticket.id, kind: 'PUBLIC', authorId: actorOf(s), byStudent: own !== null, body, at: now });
  const how = `Triage suggested ${suggestion.category} / ${suggestion.priority} (confidence ${suggestion.confidence}, ${suggestion.source === 'TENANT' ? 'this centre’s tickets' : 'the example tickets'})`;
  await repo.addMessage(s.db, { ticketId: ticket.id, kind: 'EVENT', authorId: null, byStudent: false, body: `${how}${assignee ? `; assigned to ${assignee.person.name} (${assignee.why})` : '; waiting in the queue'}`, at: now });
  if (assignee && assignee.person.id !== actorOf(s)) await notifyStaff(ctx, s, [assignee.person.id], `New ticket ${ticketLabel(ticket)}`, `${subject} (${category.toLowerCase()}, ${priority.toLowerCase()})`, priority === 'URGENT');
  // The SLA sweep looks at it when its first deadline comes near.
  await ctx.platform.work.due(s.tenantId, 'engagement', atRiskFrom(due.firstResponseDueAt, now));
  await publishTicket(ctx, s.tenantId, ticket);
  await ctx.audit({ action: 'ticket.raise', targetType: 'Ticket', targetId: ticket.id, tenantId: s.tenantId, details: { category, priority, studentId } });
  return { ticket, duplicates: [], userErrors: [] };
}

export interface ReplyInput {
  body?: string | null;
  /** Staff: a note the student never sees. */
  internal?: boolean | null;
  /** Staff: the text of a saved reply, variables filled in (instead of body). */
  savedReplyId?: string | null;
  /** Staff: the reply asks the student something (WAITING_ON_STUDENT). */
  waitForStudent?: boolean | null;
}

export async function replyToTicket(ctx: SubgraphContext, s: RequestScope, id: string, i: ReplyInput) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  const student = (await studentCaller(s)) !== null;
  if (student && (i.internal || i.savedReplyId || i.waitForStudent)) return refuse('INVALID_INPUT', 'Students reply in the open', 'input');
  if (t.status === 'CLOSED') return refuse('INVALID_STATE', 'The ticket is closed: raise a new one', 'id');
  const now = clock.now();
  if (student && t.status === 'RESOLVED' && (!t.resolvedAt || now.getTime() - t.resolvedAt.getTime() > REOPEN_WINDOW_MS)) return refuse('INVALID_STATE', 'The ticket was resolved too long ago to reopen: raise a new one', 'id');
  let body: string | null = null;
  if (i.savedReplyId) {
    const [who] = await ports.campus.students(s.db, [t.studentId]);
    const [library] = await ports.campus.libraries(s.db, [t.libraryId]);
    const agent = (await ports.accounts.branchStaff(ctx.core, s.tenantId, t.libraryId)).find((p) => p.id === actorOf(s));
    body = await fillSavedReply(s, i.savedReplyId, { student: who?.name.split(' ')[0] ?? '', ticket: ticketLabel(t), library: library?.name ?? '', agent: agent?.name ?? 'the desk' });
    if (body === null) return refuse('NOT_FOUND', 'No such saved reply', 'input', 'savedReplyId');
  } else {
    const checked = checkedText(i.body ?? '', ['input', 'body'], 5_000);
    if (typeof checked !== 'string') return { ...none, userErrors: [checked] };
    body = checked;
  }
  const kind = i.internal ? 'INTERNAL' : 'PUBLIC';
  await repo.addMessage(s.db, { ticketId: t.id, kind, authorId: actorOf(s), byStudent: student, body, at: now });
  let updated: TicketRow | null = t;
  if (student) {
    // The student answers, or comes back to a resolved ticket within the window: open again.
    if (t.status === 'RESOLVED') updated = await reopen(s, t, now);
    else if (t.status === 'WAITING_ON_STUDENT') updated = await repo.updateIf(s.db, t.id, { status: ['WAITING_ON_STUDENT'] }, { status: 'OPEN', updatedAt: now, ...(await resumeClocks(s.db, t, now)) });
    if (t.assigneeId) await notifyStaff(ctx, s, [t.assigneeId], `${ticketLabel(t)}: the student replied`, body);
  } else if (kind === 'PUBLIC') {
    const status: TicketStatus = i.waitForStudent ? 'WAITING_ON_STUDENT' : t.status === 'RESOLVED' ? 'RESOLVED' : 'OPEN';
    const clocks = status === 'WAITING_ON_STUDENT' ? { waitingSince: t.waitingSince ?? now } : await resumeClocks(s.db, t, now);
    updated = await repo.updateIf(s.db, t.id, {}, { status, firstRespondedAt: t.firstRespondedAt ?? now, updatedAt: now, ...clocks });
    await notifyStudent(ctx, s, t, `Reply on ${ticketLabel(t)}`, body);
  }
  await watchAgain(ctx, s, t, updated, now);
  await publishTicket(ctx, s.tenantId, t);
  return { ticket: updated ?? (await repo.findTicket(s.db, t.id)), duplicates: [], userErrors: [] };
}

/** After a ticket's clocks resumed, the SLA sweep looks at it when its deadline next comes near. */
async function watchAgain(ctx: SubgraphContext, s: RequestScope, before: TicketRow, after: TicketRow | null, now: Date) {
  if (!before.waitingSince || !after || after.waitingSince || !repo.OPEN_STATUSES.includes(after.status)) return;
  await ctx.platform.work.due(s.tenantId, 'engagement', atRiskFrom(activeDeadline(after).at, now));
}

/** Open again with a fresh resolution deadline (and a fresh SLA watch). */
async function reopen(s: RequestScope, t: TicketRow, now: Date) {
  const due = await deadlines(s.db, t.libraryId, t.priority, now);
  return repo.updateIf(s.db, t.id, { status: ['RESOLVED'] }, { status: 'OPEN', resolvedAt: null, reopenedCount: { increment: 1 }, resolutionDueAt: due.resolutionDueAt, atRiskAt: null, breachedAt: null, updatedAt: now });
}

/** Staff move a ticket: WAITING_ON_STUDENT, RESOLVED, CLOSED, or OPEN again. */
export async function setTicketStatus(ctx: SubgraphContext, s: RequestScope, id: string, status: TicketStatus) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  const now = clock.now();
  const from: Record<TicketStatus, TicketStatus[]> = {
    NEW: [],
    OPEN: ['WAITING_ON_STUDENT', 'RESOLVED'],
    WAITING_ON_STUDENT: ['NEW', 'OPEN'],
    RESOLVED: ['NEW', 'OPEN', 'WAITING_ON_STUDENT'],
    CLOSED: ['NEW', 'OPEN', 'WAITING_ON_STUDENT', 'RESOLVED'],
  };
  if (!from[status].includes(t.status)) return refuse('INVALID_STATE', `A ${t.status.toLowerCase().replace(/_/g, ' ')} ticket cannot become ${status.toLowerCase().replace(/_/g, ' ')}`, 'status');
  const updated =
    status === 'OPEN' && t.status === 'RESOLVED'
      ? await reopen(s, t, now)
      : await repo.updateIf(s.db, t.id, { status: from[status] }, {
          status,
          updatedAt: now,
          ...(status === 'WAITING_ON_STUDENT' ? { waitingSince: now } : await resumeClocks(s.db, t, now)),
          ...(status === 'RESOLVED' ? { resolvedAt: now } : {}),
          ...(status === 'CLOSED' ? { closedAt: now } : {}),
        });
  if (!updated) return refuse('INVALID_STATE', 'The ticket changed meanwhile; look again', 'id');
  await repo.addMessage(s.db, { ticketId: t.id, kind: 'EVENT', authorId: actorOf(s), byStudent: false, body: `Status: ${status.toLowerCase().replace(/_/g, ' ')}`, at: now });
  if (status === 'RESOLVED') await notifyStudent(ctx, s, t, `${ticketLabel(t)} resolved`, `${t.subject} — tell us how we did (1 to 5), or reply within 7 days to reopen it`);
  if (status === 'RESOLVED' || status === 'CLOSED') await ctx.platform.work.due(s.tenantId, 'engagement', new Date(now.getTime() + REOPEN_WINDOW_MS));
  await watchAgain(ctx, s, t, updated, now);
  await publishTicket(ctx, s.tenantId, t);
  return { ticket: updated, duplicates: [], userErrors: [] };
}

/** The student reopens their resolved ticket within the window. */
export async function reopenMyTicket(ctx: SubgraphContext, s: RequestScope, id: string) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  const now = clock.now();
  if (t.status !== 'RESOLVED' || !t.resolvedAt || now.getTime() - t.resolvedAt.getTime() > REOPEN_WINDOW_MS) return refuse('INVALID_STATE', 'Only a ticket resolved in the last 7 days is reopened', 'id');
  const updated = await reopen(s, t, now);
  if (!updated) return refuse('INVALID_STATE', 'The ticket changed meanwhile; look again', 'id');
  await repo.addMessage(s.db, { ticketId: t.id, kind: 'EVENT', authorId: actorOf(s), byStudent: true, body: 'Reopened by the student', at: now });
  if (t.assigneeId) await notifyStaff(ctx, s, [t.assigneeId], `${ticketLabel(t)} reopened`, t.subject);
  await publishTicket(ctx, s.tenantId, t);
  return { ticket: updated, duplicates: [], userErrors: [] };
}

/** The student rates a resolved (or closed) ticket, once. */
export async function rateMyTicket(ctx: SubgraphContext, s: RequestScope, id: string, score: number, comment: string | null | undefined) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  if (!Number.isInteger(score) || score < 1 || score > 5) return refuse('INVALID_INPUT', 'score is 1 to 5', 'score');
  const note = comment?.trim() || null;
  if (note && (note.length > 1_000 || CONTROL.test(note))) return refuse('INVALID_INPUT', 'comment is at most 1,000 characters of text', 'comment');
  if (t.status !== 'RESOLVED' && t.status !== 'CLOSED') return refuse('INVALID_STATE', 'A ticket is rated once it is resolved', 'id');
  // Once: the condition holds under concurrency too.
  const updated = await repo.updateIf(s.db, t.id, { status: ['RESOLVED', 'CLOSED'], unrated: true }, { satisfaction: score, satisfactionComment: note, updatedAt: clock.now() });
  if (!updated) return refuse('INVALID_STATE', 'The ticket was rated already', 'id');
  if (t.assigneeId) await notifyStaff(ctx, s, [t.assigneeId], `${ticketLabel(t)} rated ${score}/5`, note ?? t.subject);
  await publishTicket(ctx, s.tenantId, t);
  return { ticket: updated, duplicates: [], userErrors: [] };
}

/** Staff: tickets of their branches, newest first; `mine` = assigned to the caller. */
export interface ListFilter {
  status?: TicketStatus[] | null;
  mine?: boolean | null;
  assigneeId?: string | null;
  unassigned?: boolean | null;
  studentId?: string | null;
  libraryId?: string | null;
  category?: TicketCategory | null;
}

export async function listTickets(s: RequestScope, a: { first?: number | null; after?: string | null; filter?: ListFilter | null }) {
  const f = a.filter ?? {};
  if ((f.assigneeId && !isUuid(f.assigneeId)) || (f.studentId && !isUuid(f.studentId)) || (f.libraryId && !isUuid(f.libraryId))) return emptyConnection<TicketRow>();
  const libraryIds = branchesAsked(s, f.libraryId);
  return paginate(a, (take, cursor) => repo.ticketsPage(s.db, take, cursor, { ...f, assigneeId: f.mine ? actorOf(s) : f.assigneeId, libraryIds }), 'desc');
}

/** A student's own tickets, newest first. */
export async function myTickets(s: RequestScope, a: { first?: number | null; after?: string | null; status?: TicketStatus[] | null }) {
  const me = await studentCaller(s);
  if (!me || me === 'none') return emptyConnection<TicketRow>();
  return paginate(a, (take, cursor) => repo.ticketsPage(s.db, take, cursor, { studentId: me, status: a.status }), 'desc');
}
