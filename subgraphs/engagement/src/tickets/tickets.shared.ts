// What the help desk's services share: who may see a ticket, its label, telling people in-app, and
// the live event (ids only — never a message body, so nothing of an internal note travels).
import { isUuid, ports, topics, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { inBranches } from '../shared/scope.ts';
import * as repo from './tickets.repository.ts';
import type { MessageKind, TicketRow } from './tickets.repository.ts';

export const ticketLabel = (t: Pick<TicketRow, 'number'>) => `T-${String(t.number).padStart(4, '0')}`;

/** A student caller's student id; null for staff and jobs. */
export async function studentCaller(s: RequestScope): Promise<string | 'none' | null> {
  return s.role === 'STUDENT' ? ((await s.ownStudentId()) ?? 'none') : null;
}

/** Whether the caller may see a ticket: a student their own, staff their branches'. */
export async function maySee(s: RequestScope, t: TicketRow): Promise<boolean> {
  const student = await studentCaller(s);
  if (student !== null) return t.studentId === student;
  return inBranches(s, t.libraryId);
}

/** A ticket the caller may see (read fresh: services act on it). */
export async function visibleTicket(s: RequestScope, id: string): Promise<TicketRow | null> {
  const t = isUuid(id) ? await repo.findTicket(s.db, id) : null;
  return t && (await maySee(s, t)) ? t : null;
}

/** What of a conversation the caller reads: a student only the public messages. */
export async function visibleKinds(s: RequestScope): Promise<MessageKind[] | undefined> {
  return (await studentCaller(s)) !== null ? ['PUBLIC'] : undefined;
}

export const notifyStaff = (ctx: SubgraphContext, s: Pick<RequestScope, 'db' | 'tenantId'>, userIds: string[], title: string, body: string, urgent = false) =>
  userIds.length ? ports.messages.inApp({ db: s.db, events: ctx.events, tenantId: s.tenantId }, { userIds, category: 'SUPPORT', title, body: body.slice(0, 500), urgent }) : Promise.resolve(0);

/** Tells the ticket's student in-app (their preferences decide), when they have an account. */
export async function notifyStudent(ctx: SubgraphContext, s: Pick<RequestScope, 'db' | 'tenantId'>, t: Pick<TicketRow, 'studentId' | 'number'>, title: string, body: string) {
  const [student] = await ports.campus.students(s.db, [t.studentId]);
  const account = student ? await ports.accounts.studentAccount(ctx.core, s.tenantId, student.id, student.phone) : null;
  if (account) await notifyStaff(ctx, s, [account], title, body);
}

export const publishTicket = (ctx: SubgraphContext, tenantId: string, t: Pick<TicketRow, 'id' | 'libraryId'>) =>
  ctx.events.publish(topics.tenant(tenantId), { type: 'TICKET_CHANGED', ticketId: t.id, libraryId: t.libraryId });
