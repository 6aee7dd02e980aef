// The only code that reads or writes the platform's support queue (core tables platform_tickets and
// platform_ticket_messages): tenants' tickets to the platform.
import type { CorePrisma } from '@studyspot/db';
import { KEYSET_ORDER_DESC } from '@studyspot/runtime';

export type PlatformTicketRow = NonNullable<Awaited<ReturnType<typeof findTicket>>>;
export type PlatformMessageRow = Awaited<ReturnType<typeof messagesOf>>[number];
export type PlatformTicketStatus = PlatformTicketRow['status'];

export const findTicket = (core: CorePrisma, id: string) => core.platformTicket.findUnique({ where: { id } });

export const createTicket = (core: CorePrisma, t: { tenantId: string; raisedById: string | null; subject: string; topic: string; urgent: boolean; body: string; at: Date }) =>
  core.$transaction(async (tx) => {
    const ticket = await tx.platformTicket.create({ data: { tenantId: t.tenantId, raisedById: t.raisedById, subject: t.subject, topic: t.topic, urgent: t.urgent, createdAt: t.at, updatedAt: t.at } });
    await tx.platformTicketMessage.create({ data: { ticketId: ticket.id, kind: 'PUBLIC', authorId: t.raisedById, fromTenant: true, body: t.body, at: t.at } });
    return ticket;
  });

export const addMessage = (core: CorePrisma, m: { ticketId: string; kind: 'PUBLIC' | 'INTERNAL' | 'EVENT'; authorId: string | null; fromTenant: boolean; body: string; at: Date }) => core.platformTicketMessage.create({ data: m });

/** A ticket's conversation, oldest first (at most 500); `kinds` limits it (the tenant's side: PUBLIC). */
export const messagesOf = (core: CorePrisma, ticketId: string, kinds?: string[]) =>
  core.platformTicketMessage.findMany({ where: { ticketId, ...(kinds ? { kind: { in: kinds } } : {}) }, orderBy: [{ at: 'asc' }, { seq: 'asc' }], take: 500 });

/** Changes a ticket only while its state matches; the row, or null. */
export async function updateIf(core: CorePrisma, id: string, where: { status?: PlatformTicketStatus[]; unassigned?: true }, data: { status?: PlatformTicketStatus; assigneeId?: string | null; firstRespondedAt?: Date; resolvedAt?: Date | null; updatedAt: Date }) {
  const n = await core.platformTicket.updateMany({ where: { id, ...(where.status ? { status: { in: where.status } } : {}), ...(where.unassigned ? { assigneeId: null } : {}) }, data });
  return n.count === 1 ? findTicket(core, id) : null;
}

/** A page, newest first: one tenant's tickets, or the whole queue (optionally by status / assignee). */
export const page = (core: CorePrisma, take: number, cursor: object, f: { tenantId?: string; status?: PlatformTicketStatus[] | null; assigneeId?: string | null; unassigned?: boolean | null }) =>
  core.platformTicket.findMany({
    where: { AND: [f.tenantId ? { tenantId: f.tenantId } : {}, f.status?.length ? { status: { in: f.status } } : {}, f.assigneeId ? { assigneeId: f.assigneeId } : {}, f.unassigned ? { assigneeId: null } : {}, cursor] },
    orderBy: KEYSET_ORDER_DESC,
    take,
  });
