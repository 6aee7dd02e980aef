// The platform's support queue: a tenant's owner raises a ticket to the platform (`raisePlatformTicket`)
// and follows it (`myPlatformTickets`, `replyToMyPlatformTicket`); only platform roles (SUPER_ADMIN,
// ADMIN, SUPPORT) work the queue — claim, reply, note, resolve, close. Internal notes are the
// platform's own: the tenant's side reads public messages only. A platform reply reaches the owner
// who raised it in their in-app inbox (category SUPPORT).
import { clock, isUuid, paginate, ports, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { checkedText } from '../shared/text.ts';
import * as repo from './support.repository.ts';
import type { PlatformTicketRow, PlatformTicketStatus } from './support.repository.ts';

export const TOPICS = ['BILLING', 'SMS', 'PAYMENTS', 'ACCOUNT', 'BUG', 'QUESTION'] as const;
export type Topic = (typeof TOPICS)[number];

export const supportLabel = (t: Pick<PlatformTicketRow, 'number'>) => `S-${String(t.number).padStart(4, '0')}`;
const none = { ticket: null };
const refuse = (code: Parameters<typeof fail>[0], message: string, ...field: string[]) => ({ ...none, ...fail(code, message, ...field) });
const actor = (ctx: SubgraphContext) => ctx.claims?.sub ?? null;


/** The tenant's side: a ticket of the caller's tenant. */
async function ownTicket(ctx: SubgraphContext, id: string) {
  const t = isUuid(id) ? await repo.findTicket(ctx.core, id) : null;
  return t && t.tenantId === ctx.requireTenant() ? t : null;
}

/** The platform's side: any ticket. */
const anyTicket = async (ctx: SubgraphContext, id: string) => (isUuid(id) ? repo.findTicket(ctx.core, id) : null);

export async function raisePlatformTicket(ctx: SubgraphContext, i: { subject: string; body: string; topic: Topic; urgent?: boolean | null }) {
  const tenantId = ctx.requireTenant();
  const subject = checkedText(i.subject, ['input', 'subject'], 200);
  if (typeof subject !== 'string') return { ...none, userErrors: [subject] };
  const body = checkedText(i.body, ['input', 'body'], 5_000);
  if (typeof body !== 'string') return { ...none, userErrors: [body] };
  const ticket = await repo.createTicket(ctx.core, { tenantId, raisedById: actor(ctx), subject, topic: i.topic, urgent: Boolean(i.urgent), body, at: clock.now() });
  await ctx.audit({ action: 'support.raise', targetType: 'PlatformTicket', targetId: ticket.id, tenantId, details: { topic: i.topic, urgent: Boolean(i.urgent) } });
  return { ticket, userErrors: [] };
}

export async function replyAsTenant(ctx: SubgraphContext, id: string, body: string) {
  const t = await ownTicket(ctx, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  if (t.status === 'CLOSED') return refuse('INVALID_STATE', 'The ticket is closed: raise a new one', 'id');
  const checked = checkedText(body, ['body'], 5_000);
  if (typeof checked !== 'string') return { ...none, userErrors: [checked] };
  const now = clock.now();
  await repo.addMessage(ctx.core, { ticketId: t.id, kind: 'PUBLIC', authorId: actor(ctx), fromTenant: true, body: checked, at: now });
  // The tenant answers, or comes back to a resolved ticket: open again.
  const ticket = t.status === 'WAITING_ON_TENANT' || t.status === 'RESOLVED' ? await repo.updateIf(ctx.core, t.id, { status: [t.status] }, { status: 'OPEN', resolvedAt: null, updatedAt: now }) : t;
  return { ticket: ticket ?? (await repo.findTicket(ctx.core, t.id)), userErrors: [] };
}

export async function replyAsPlatform(ctx: SubgraphContext, id: string, i: { body: string; internal?: boolean | null; waitForTenant?: boolean | null }) {
  const t = await anyTicket(ctx, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  if (t.status === 'CLOSED') return refuse('INVALID_STATE', 'The ticket is closed', 'id');
  const checked = checkedText(i.body, ['input', 'body'], 5_000);
  if (typeof checked !== 'string') return { ...none, userErrors: [checked] };
  const now = clock.now();
  await repo.addMessage(ctx.core, { ticketId: t.id, kind: i.internal ? 'INTERNAL' : 'PUBLIC', authorId: actor(ctx), fromTenant: false, body: checked, at: now });
  if (i.internal) return { ticket: t, userErrors: [] };
  const ticket = await repo.updateIf(ctx.core, t.id, {}, { status: i.waitForTenant ? 'WAITING_ON_TENANT' : t.status === 'RESOLVED' ? 'RESOLVED' : 'OPEN', firstRespondedAt: t.firstRespondedAt ?? now, updatedAt: now });
  if (t.raisedById) {
    const db = await ctx.tenantDb(t.tenantId);
    await ports.messages.inApp({ db, events: ctx.events, tenantId: t.tenantId }, { userIds: [t.raisedById], category: 'SUPPORT', title: `StudySpot support replied on ${supportLabel(t)}`, body: checked.slice(0, 500) });
  }
  return { ticket, userErrors: [] };
}

export async function claimPlatformTicket(ctx: SubgraphContext, id: string) {
  const t = await anyTicket(ctx, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  if (t.assigneeId === actor(ctx)) return { ticket: t, userErrors: [] };
  const won = await repo.updateIf(ctx.core, t.id, { unassigned: true, status: ['NEW', 'OPEN', 'WAITING_ON_TENANT'] }, { assigneeId: actor(ctx), updatedAt: clock.now() });
  if (!won) return refuse('ALREADY_ASSIGNED', 'Someone else has this ticket', 'id');
  await repo.addMessage(ctx.core, { ticketId: t.id, kind: 'EVENT', authorId: actor(ctx), fromTenant: false, body: 'Claimed', at: clock.now() });
  return { ticket: won, userErrors: [] };
}

export async function setPlatformTicketStatus(ctx: SubgraphContext, id: string, status: PlatformTicketStatus) {
  const t = await anyTicket(ctx, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  const from: Record<PlatformTicketStatus, PlatformTicketStatus[]> = { NEW: [], OPEN: ['WAITING_ON_TENANT', 'RESOLVED'], WAITING_ON_TENANT: ['NEW', 'OPEN'], RESOLVED: ['NEW', 'OPEN', 'WAITING_ON_TENANT'], CLOSED: ['NEW', 'OPEN', 'WAITING_ON_TENANT', 'RESOLVED'] };
  if (!from[status].includes(t.status)) return refuse('INVALID_STATE', `A ${t.status.toLowerCase().replace(/_/g, ' ')} ticket cannot become ${status.toLowerCase().replace(/_/g, ' ')}`, 'status');
  const now = clock.now();
  const ticket = await repo.updateIf(ctx.core, t.id, { status: from[status] }, { status, updatedAt: now, ...(status === 'RESOLVED' ? { resolvedAt: now } : status === 'OPEN' ? { resolvedAt: null } : {}) });
  if (!ticket) return refuse('INVALID_STATE', 'The ticket changed meanwhile; look again', 'id');
  await repo.addMessage(ctx.core, { ticketId: t.id, kind: 'EVENT', authorId: actor(ctx), fromTenant: false, body: `Status: ${status.toLowerCase().replace(/_/g, ' ')}`, at: now });
  return { ticket, userErrors: [] };
}

export const myPlatformTickets = (ctx: SubgraphContext, a: { first?: number | null; after?: string | null }) =>
  paginate(a, (take, cursor) => repo.page(ctx.core, take, cursor, { tenantId: ctx.requireTenant() }), 'desc');

export const supportQueue = (ctx: SubgraphContext, a: { first?: number | null; after?: string | null; status?: PlatformTicketStatus[] | null; mine?: boolean | null; unassigned?: boolean | null }) =>
  paginate(a, (take, cursor) => repo.page(ctx.core, take, cursor, { status: a.status, assigneeId: a.mine ? actor(ctx) : null, unassigned: a.unassigned }), 'desc');

export { anyTicket as platformTicket, ownTicket as myPlatformTicket };

/** Platform roles: whoever works the queue. */
export const isPlatform = (ctx: SubgraphContext) => Boolean(ctx.claims && ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'].includes(ctx.claims.role));

/** What of a conversation the caller reads: the platform everything, the tenant's side the public messages only. */
export const conversation = (ctx: SubgraphContext, t: PlatformTicketRow) => repo.messagesOf(ctx.core, t.id, isPlatform(ctx) ? undefined : ['PUBLIC']);
