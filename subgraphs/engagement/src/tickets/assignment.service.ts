// Who works a ticket: the tenant's rules (a category, for a library or every library, goes to a
// person or to the branch's accounts of a role), else the branch's staff member with the fewest open
// tickets (the oldest account on a tie) — a balanced round-robin; no staff: the ticket waits
// unassigned for someone to claim it. Reassignment, claiming (one winner under any concurrency) and
// escalation to the branch's manager, each on the ticket's timeline and told in-app.
import { clock, isUuid, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { actorOf, inBranches } from '../shared/scope.ts';
import * as repo from './tickets.repository.ts';
import type { TicketCategory, TicketRow } from './tickets.repository.ts';
import { notifyStaff, publishTicket, ticketLabel, visibleTicket } from './tickets.shared.ts';

type Person = { id: string; name: string; role: 'OWNER' | 'MANAGER' | 'STAFF' };

/** The branch's account of `people` with the fewest open tickets (the oldest on a tie). */
async function fewestOpen(s: Pick<RequestScope, 'db'>, people: Person[]): Promise<Person | null> {
  if (!people.length) return null;
  const counts = await repo.openTicketCounts(s.db, people.map((p) => p.id));
  return people.reduce((best, p) => ((counts.get(p.id) ?? 0) < (counts.get(best.id) ?? 0) ? p : best));
}

/** Who a new ticket goes to, and why (for its timeline); null: nobody (it waits to be claimed). */
export async function pickAssignee(ctx: SubgraphContext, s: Pick<RequestScope, 'db' | 'tenantId'>, t: { libraryId: string; category: TicketCategory; confidence: number | null }): Promise<{ person: Person; why: string } | null> {
  const staff = await ports.accounts.branchStaff(ctx.core, s.tenantId, t.libraryId);
  const rules = await repo.rules(s.db);
  const rule = rules.find((r) => r.category === t.category && r.libraryId === t.libraryId) ?? rules.find((r) => r.category === t.category && r.libraryId === null);
  // A category triage chose follows a rule only when triage was sure enough for it.
  if (rule && (t.confidence === null || t.confidence >= rule.minConfidence)) {
    const named = rule.assigneeId ? staff.find((p) => p.id === rule.assigneeId) : null;
    if (named) return { person: named, why: `rule for ${t.category}` };
    const byRole = rule.role ? await fewestOpen(s, staff.filter((p) => p.role === rule.role)) : null;
    if (byRole) return { person: byRole, why: `rule for ${t.category}: ${rule.role?.toLowerCase()} with the fewest open tickets` };
  }
  const person = await fewestOpen(s, staff.filter((p) => p.role === 'STAFF'));
  return person ? { person, why: 'the branch’s staff member with the fewest open tickets' } : null;
}

const refuse = (code: Parameters<typeof fail>[0], message: string, ...field: string[]) => ({ ticket: null, duplicates: [], ...fail(code, message, ...field) });

async function assigned(ctx: SubgraphContext, s: RequestScope, t: TicketRow, person: Person, body: string) {
  await repo.addMessage(s.db, { ticketId: t.id, kind: 'EVENT', authorId: actorOf(s), byStudent: false, body, at: clock.now() });
  if (person.id !== actorOf(s)) await notifyStaff(ctx, s, [person.id], `${ticketLabel(t)} is yours`, t.subject);
  await publishTicket(ctx, s.tenantId, t);
}

/** Staff give a ticket to someone of its branch, or back to the queue (null). */
export async function assignTicket(ctx: SubgraphContext, s: RequestScope, id: string, assigneeId: string | null | undefined) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  if (t.status === 'CLOSED') return refuse('INVALID_STATE', 'The ticket is closed', 'id');
  if (!assigneeId) {
    const left = await repo.updateIf(s.db, t.id, {}, { assigneeId: null, updatedAt: clock.now() });
    await repo.addMessage(s.db, { ticketId: t.id, kind: 'EVENT', authorId: actorOf(s), byStudent: false, body: 'Back in the queue', at: clock.now() });
    await publishTicket(ctx, s.tenantId, t);
    return { ticket: left, duplicates: [], userErrors: [] };
  }
  const person = isUuid(assigneeId) ? (await ports.accounts.branchStaff(ctx.core, s.tenantId, t.libraryId)).find((p) => p.id === assigneeId) : null;
  if (!person) return refuse('NOT_ASSIGNABLE', 'Not a staff member of the ticket’s branch', 'assigneeId');
  const updated = await repo.updateIf(s.db, t.id, {}, { assigneeId: person.id, updatedAt: clock.now() });
  await assigned(ctx, s, t, person, `Assigned to ${person.name}`);
  return { ticket: updated, duplicates: [], userErrors: [] };
}

/** A staff member of the branch takes an unassigned ticket: one of two claiming at once wins. */
export async function claimTicket(ctx: SubgraphContext, s: RequestScope, id: string) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  const me = actorOf(s);
  const person = me ? (await ports.accounts.branchStaff(ctx.core, s.tenantId, t.libraryId)).find((p) => p.id === me) : null;
  if (!person) return refuse('NOT_ASSIGNABLE', 'Only staff of the ticket’s branch claim its tickets', 'id');
  if (t.assigneeId === person.id) return { ticket: t, duplicates: [], userErrors: [] };
  const won = await repo.updateIf(s.db, t.id, { assigneeId: null, status: repo.OPEN_STATUSES }, { assigneeId: person.id, updatedAt: clock.now() });
  if (!won) return refuse('ALREADY_ASSIGNED', 'Someone else has this ticket', 'id');
  await assigned(ctx, s, won, person, `Claimed by ${person.name}`);
  return { ticket: won, duplicates: [], userErrors: [] };
}

/**
 * Escalation: the ticket goes to the branch's manager with the fewest open tickets (its level
 * becomes 1), and the managers — the owners when the branch has none — are told, urgently. By staff
 * with a reason, or by the SLA sweep on a breach (`s` then is the sweep's scope).
 */
export async function escalate(ctx: SubgraphContext, s: RequestScope, t: Pick<TicketRow, 'id' | 'number' | 'subject' | 'libraryId' | 'assigneeId' | 'escalationLevel'>, reason: string) {
  const staff = await ports.accounts.branchStaff(ctx.core, s.tenantId, t.libraryId);
  const managers = staff.filter((p) => p.role === 'MANAGER');
  const to = managers.length ? managers : staff.filter((p) => p.role === 'OWNER');
  const manager = await fewestOpen(s, managers);
  const now = clock.now();
  const updated = await repo.updateIf(s.db, t.id, {}, { escalationLevel: 1, escalatedAt: now, updatedAt: now, ...(manager ? { assigneeId: manager.id } : {}) });
  await repo.addMessage(s.db, { ticketId: t.id, kind: 'EVENT', authorId: actorOf(s), byStudent: false, body: `Escalated${manager ? ` to ${manager.name}` : ' to the owners'}: ${reason}`, at: now });
  await notifyStaff(ctx, s, [...new Set([...to.map((p) => p.id), ...(t.assigneeId ? [t.assigneeId] : [])])], `${ticketLabel(t)} escalated`, `${t.subject} — ${reason}`, true);
  await publishTicket(ctx, s.tenantId, t);
  return updated;
}

export async function escalateTicket(ctx: SubgraphContext, s: RequestScope, id: string, reason: string) {
  const t = await visibleTicket(s, id);
  if (!t) return refuse('NOT_FOUND', 'No such ticket', 'id');
  if (!repo.OPEN_STATUSES.includes(t.status)) return refuse('INVALID_STATE', 'Only an open ticket is escalated', 'id');
  const why = reason.trim();
  if (!why) return refuse('INVALID_INPUT', 'Say why', 'reason');
  if (t.escalationLevel > 0) return refuse('INVALID_STATE', 'The ticket is escalated already', 'id');
  return { ticket: await escalate(ctx, s, t, why), duplicates: [], userErrors: [] };
}

/** Owners set who gets a category's tickets: a person of the branch, or a role; libraryId null = every library. */
export async function saveTicketRule(ctx: SubgraphContext, s: RequestScope, i: { category: TicketCategory; libraryId?: string | null; assigneeId?: string | null; role?: 'MANAGER' | 'STAFF' | null; minConfidence?: number | null }) {
  const bad = (code: Parameters<typeof fail>[0], message: string, field: string) => ({ rule: null, ...fail(code, message, 'input', field) });
  if (!i.assigneeId === !i.role) return bad('INVALID_INPUT', 'Name a person (assigneeId) or a role, one of them', 'assigneeId');
  const min = i.minConfidence ?? 0;
  if (!(min >= 0 && min <= 1)) return bad('INVALID_INPUT', 'minConfidence is 0 to 1', 'minConfidence');
  if (i.libraryId && (!isUuid(i.libraryId) || !inBranches(s, i.libraryId) || !(await ports.campus.librariesExist(s.db, [i.libraryId])))) return bad('NOT_FOUND', 'No such library', 'libraryId');
  if (i.assigneeId) {
    const staff = i.libraryId ? await ports.accounts.branchStaff(ctx.core, s.tenantId, i.libraryId) : await ports.accounts.staffOf(ctx.core, s.tenantId, isUuid(i.assigneeId) ? [i.assigneeId] : []);
    if (!staff.some((p) => p.id === i.assigneeId)) return bad('NOT_ASSIGNABLE', 'Not a staff member of the branch', 'assigneeId');
  }
  const rule = await repo.saveRule(s.db, { category: i.category, libraryId: i.libraryId ?? null, assigneeId: i.assigneeId ?? null, role: i.role ?? null, minConfidence: min, createdAt: clock.now() });
  await ctx.audit({ action: 'ticket.rule.save', targetType: 'TicketRule', targetId: rule.id, tenantId: s.tenantId, details: { category: i.category, libraryId: i.libraryId ?? null, assigneeId: i.assigneeId ?? null, role: i.role ?? null, minConfidence: min } });
  return { rule, userErrors: [] };
}

export async function deleteTicketRule(ctx: SubgraphContext, s: RequestScope, id: string) {
  if (!isUuid(id) || !(await repo.deleteRule(s.db, id))) return { deleted: false, ...fail('NOT_FOUND', 'No such rule', 'id') };
  await ctx.audit({ action: 'ticket.rule.delete', targetType: 'TicketRule', targetId: id, tenantId: s.tenantId });
  return { deleted: true, userErrors: [] };
}
