// Follow-ups: a task on a lead with a due time, for its assignee. Scheduling one records when the
// tenant's engagement work falls due (runtime work.ts); the sweep (jobs/sweeper.ts) tells the
// assignee in the in-app inbox when it is due, and again, urgently, when it is missed.
import { clock, isUuid, ports, type Connection, type RequestScope, type SubgraphContext, encodeCursor, pageSize } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { addEvent } from '../leads/leads.repository.ts';
import { actorOf } from '../shared/scope.ts';
import { assignable, visibleLead } from '../leads/leads.service.ts';
import * as repo from './followups.repository.ts';
import type { FollowUpRow } from './followups.repository.ts';

/** A follow-up not done this long after its time is missed. */
export const MISSED_AFTER_MS = 60 * 60_000;
const MAX_AHEAD_MS = 366 * 86_400_000;

const refuse = (code: 'NOT_FOUND' | 'INVALID_INPUT' | 'INVALID_STATE' | 'NOT_ASSIGNABLE', message: string, ...field: string[]) => ({ followUp: null, ...fail(code, message, ...field) });

export async function scheduleFollowUp(ctx: SubgraphContext, s: RequestScope, leadId: string, dueAt: Date, note: string, assigneeId: string | null | undefined) {
  const lead = await visibleLead(s, leadId);
  if (!lead) return refuse('NOT_FOUND', 'No such lead', 'leadId');
  if (lead.closedAt) return refuse('INVALID_STATE', 'The lead is closed (won or lost)', 'leadId');
  const text = note.trim();
  if (!text) return refuse('INVALID_INPUT', 'Say what to do', 'note');
  const now = clock.now();
  if (dueAt.getTime() < now.getTime() - 60_000) return refuse('INVALID_INPUT', 'dueAt is in the past', 'dueAt');
  if (dueAt.getTime() > now.getTime() + MAX_AHEAD_MS) return refuse('INVALID_INPUT', 'dueAt is more than a year ahead', 'dueAt');
  const who = assigneeId ?? lead.assigneeId ?? actorOf(s);
  const person = who ? await assignable(ctx, s.tenantId, lead.libraryId, who) : null;
  if (!person) return refuse('NOT_ASSIGNABLE', 'Name a staff member of the lead’s branch', 'assigneeId');
  const followUp = await repo.createFollowUp(s.db, { leadId: lead.id, assigneeId: person.id, dueAt, note: text, createdById: actorOf(s), createdAt: now });
  await addEvent(s.db, { leadId: lead.id, kind: 'FOLLOW_UP_SCHEDULED', actorId: actorOf(s), body: `${text} (for ${person.name}, due ${dueAt.toISOString()})`, at: now });
  await ctx.platform.work.due(s.tenantId, 'engagement', dueAt);
  return { followUp, userErrors: [] };
}

export async function completeFollowUp(s: RequestScope, id: string, outcome: string | null | undefined) {
  const f = isUuid(id) ? await repo.findFollowUp(s.db, id) : null;
  const lead = f ? await visibleLead(s, f.leadId) : null;
  if (!f || !lead) return refuse('NOT_FOUND', 'No such follow-up', 'id');
  const now = clock.now();
  if (await repo.markDone(s.db, f.id, now)) {
    await addEvent(s.db, { leadId: f.leadId, kind: 'FOLLOW_UP_DONE', actorId: actorOf(s), body: outcome?.trim() ? `${f.note}: ${outcome.trim()}` : f.note, at: now });
  }
  return { followUp: await repo.findFollowUp(s.db, f.id), userErrors: [] };
}

/** Whether the caller may see another account's follow-ups: owners, platform roles and managers without branch limits. */
const seesOthers = (s: RequestScope) => s.role !== 'STAFF' && s.libraryIds === null;

export async function openFollowUps(s: RequestScope, assigneeId: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<FollowUpRow>> {
  const me = actorOf(s);
  const who = assigneeId && seesOthers(s) ? assigneeId : (assigneeId ?? me);
  if (who && !isUuid(who)) return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: Boolean(after), startCursor: null, endCursor: null } };
  // Staff asking for someone else's see only their own (the filter is theirs).
  const target = assigneeId && !seesOthers(s) ? me : who;
  const size = pageSize(first);
  const rows = await repo.openFollowUps(s.db, size + 1, after, target, s.libraryIds);
  const edges = rows.slice(0, size).map((node) => ({ node, cursor: encodeCursor({ createdAt: node.dueAt, id: node.id }) }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null } };
}

export const isMissed = (f: FollowUpRow, now = clock.now()) => !f.doneAt && f.dueAt.getTime() + MISSED_AFTER_MS <= now.getTime();

/** One tenant's due follow-up notices at `now`; returns how many were sent and when the next falls due. */
export async function notifyDueFollowUps(ctx: SubgraphContext, s: RequestScope, now: Date): Promise<{ due: number; missed: number; next: Date | null }> {
  const missedBefore = new Date(now.getTime() - MISSED_AFTER_MS);
  let due = 0;
  let missed = 0;
  for (;;) {
    const batch = await repo.toNotify(s.db, now, missedBefore, 200);
    for (const f of batch) {
      const isMissedNow = f.dueAt <= missedBefore;
      const deps = { db: s.db, events: ctx.events, tenantId: s.tenantId };
      if (isMissedNow) {
        await ports.messages.inApp(deps, { userIds: [f.assigneeId], category: 'ADMISSIONS', title: `Missed follow-up: ${f.lead.name}`, body: `${f.note} — was due ${f.dueAt.toISOString()}; call ${f.lead.phone}`, urgent: true });
        await repo.setNotified(s.db, f.id, { notifiedMissedAt: now, ...(f.notifiedDueAt ? {} : { notifiedDueAt: now }) });
        missed++;
      } else {
        await ports.messages.inApp(deps, { userIds: [f.assigneeId], category: 'ADMISSIONS', title: `Follow-up due: ${f.lead.name}`, body: `${f.note} — call ${f.lead.phone}` });
        await repo.setNotified(s.db, f.id, { notifiedDueAt: now });
        due++;
      }
    }
    if (batch.length < 200) break;
  }
  return { due, missed, next: await repo.nextNotification(s.db, MISSED_AFTER_MS) };
}
