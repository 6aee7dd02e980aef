// Help-desk SLAs: per priority, minutes to the first public reply and to resolution, counted in the
// library's opening hours (campus's `openDeadlines`). The sweep (jobs/sweeper.ts, due work) finds
// tickets whose deadline is within AT_RISK_MS (at risk: the assignee is told) or past (breached: the
// ticket is escalated to the branch's manager and they are told), closes resolved tickets whose
// reopen window has passed, and records when it next has something to do. The clocks stand still
// while a ticket waits on the student: when it leaves that status its deadlines move on by the
// opening time it waited (`resumeClocks`).
import { clock, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import * as repo from './tickets.repository.ts';
import type { TicketPriority } from './tickets.repository.ts';

/** Minutes of opening hours, until the tenant sets its own. */
export const DEFAULT_SLAS: Record<TicketPriority, { firstResponseMinutes: number; resolutionMinutes: number }> = {
  URGENT: { firstResponseMinutes: 30, resolutionMinutes: 240 },
  HIGH: { firstResponseMinutes: 120, resolutionMinutes: 480 },
  NORMAL: { firstResponseMinutes: 240, resolutionMinutes: 1_440 },
  LOW: { firstResponseMinutes: 480, resolutionMinutes: 2_880 },
};
const PRIORITIES: TicketPriority[] = ['URGENT', 'HIGH', 'NORMAL', 'LOW'];
/** A deadline this close is "at risk" (or a quarter of the time it gave, when that is less: a 30-minute SLA is not at risk from its start). */
export const AT_RISK_MS = 30 * 60_000;
export const atRiskFrom = (deadline: Date, from: Date) => new Date(deadline.getTime() - Math.min(AT_RISK_MS, (deadline.getTime() - from.getTime()) / 4));
/** A resolved ticket may be reopened by its student for this long; then the sweep closes it. */
export const REOPEN_WINDOW_MS = 7 * 86_400_000;

export async function ticketSlas(db: RequestScope['db']) {
  const saved = new Map((await repo.slas(db)).map((s) => [s.priority, s]));
  return PRIORITIES.map((priority) => ({ priority, ...(saved.get(priority) ?? DEFAULT_SLAS[priority]) }));
}

export async function updateTicketSla(ctx: SubgraphContext, s: RequestScope, i: { priority: TicketPriority; firstResponseMinutes: number; resolutionMinutes: number }) {
  const bad = (field: string, message: string) => ({ slas: null, ...fail('INVALID_INPUT', message, 'input', field) });
  if (!Number.isInteger(i.firstResponseMinutes) || i.firstResponseMinutes < 5 || i.firstResponseMinutes > 10_080) return bad('firstResponseMinutes', 'firstResponseMinutes is 5 to 10,080 (a week)');
  if (!Number.isInteger(i.resolutionMinutes) || i.resolutionMinutes < i.firstResponseMinutes || i.resolutionMinutes > 43_200) return bad('resolutionMinutes', 'resolutionMinutes is at least firstResponseMinutes and at most 43,200 (30 days)');
  await repo.saveSla(s.db, { ...i, updatedAt: clock.now() });
  await ctx.audit({ action: 'ticket.sla.update', tenantId: s.tenantId, details: i });
  return { slas: await ticketSlas(s.db), userErrors: [] };
}

/** A ticket's two deadlines from `from` under its priority's SLA. */
export async function deadlines(db: RequestScope['db'], libraryId: string, priority: TicketPriority, from: Date) {
  const sla = (await ticketSlas(db)).find((x) => x.priority === priority)!;
  const [firstResponseDueAt, resolutionDueAt] = await ports.campus.openDeadlines(db, libraryId, [
    { from, minutes: sla.firstResponseMinutes },
    { from, minutes: sla.resolutionMinutes },
  ]);
  return { firstResponseDueAt: firstResponseDueAt!, resolutionDueAt: resolutionDueAt! };
}

/**
 * A ticket leaving WAITING_ON_STUDENT: the update that moves its deadlines on by the opening time it
 * waited (and watches them afresh); nothing when it was not waiting.
 */
export async function resumeClocks(db: RequestScope['db'], t: Pick<repo.TicketRow, 'libraryId' | 'waitingSince' | 'resolutionDueAt' | 'firstResponseDueAt' | 'firstRespondedAt'>, now: Date) {
  if (!t.waitingSince) return {};
  const paused = await ports.campus.openMinutesBetween(db, t.libraryId, t.waitingSince, now);
  const [resolutionDueAt, firstResponseDueAt] = await ports.campus.openDeadlines(db, t.libraryId, [
    { from: t.resolutionDueAt, minutes: paused },
    ...(t.firstRespondedAt ? [] : [{ from: t.firstResponseDueAt, minutes: paused }]),
  ]);
  return { waitingSince: null, atRiskAt: null, resolutionDueAt: resolutionDueAt!, ...(firstResponseDueAt ? { firstResponseDueAt } : {}) };
}

type Watched = Awaited<ReturnType<typeof repo.slaWatch>>[number];
/** The deadline that matters now: the first response's while none was given, then the resolution's. */
export const activeDeadline = (t: Pick<Watched, 'firstRespondedAt' | 'firstResponseDueAt' | 'resolutionDueAt'>) =>
  !t.firstRespondedAt && t.firstResponseDueAt < t.resolutionDueAt ? { at: t.firstResponseDueAt, what: 'first response' } : { at: t.resolutionDueAt, what: 'resolution' };

export interface SlaReport {
  atRisk: number;
  breached: number;
  closed: number;
  next: Date | null;
}

/** The sweep's part; `escalate` is the assignment service's (it reassigns to a manager and tells them). */
export async function watchSlas(ctx: SubgraphContext, s: RequestScope, now: Date, escalate: (t: Watched, reason: string) => Promise<void>): Promise<SlaReport> {
  const report: SlaReport = { atRisk: 0, breached: 0, closed: 0, next: null };
  const later = (d: Date) => {
    if (!report.next || d < report.next) report.next = d;
  };
  for (const t of await repo.slaWatch(s.db)) {
    const due = activeDeadline(t);
    if (due.at <= now) {
      if (await repo.updateIf(s.db, t.id, { status: ['NEW', 'OPEN'] }, { breachedAt: now, updatedAt: now })) {
        report.breached++;
        await repo.addMessage(s.db, { ticketId: t.id, kind: 'EVENT', authorId: null, byStudent: false, body: `SLA breached: the ${due.what} was due ${due.at.toISOString()}`, at: now });
        await escalate(t, `SLA breached (${due.what})`);
      }
    } else if (!t.atRiskAt && atRiskFrom(due.at, t.createdAt) <= now) {
      if (await repo.updateIf(s.db, t.id, { status: ['NEW', 'OPEN'] }, { atRiskAt: now })) {
        report.atRisk++;
        const to = t.assigneeId ? [t.assigneeId] : (await ports.accounts.branchStaff(ctx.core, s.tenantId, t.libraryId)).filter((p) => p.role !== 'STAFF').map((p) => p.id);
        await ports.messages.inApp({ db: s.db, events: ctx.events, tenantId: s.tenantId }, { userIds: to, category: 'SUPPORT', title: `Ticket T-${String(t.number).padStart(4, '0')} at risk`, body: `${t.subject} — the ${due.what} is due ${due.at.toISOString()}`, urgent: true });
      }
      later(due.at);
    } else {
      later(t.atRiskAt ? due.at : atRiskFrom(due.at, t.createdAt));
    }
  }
  report.closed = await repo.closeResolvedBefore(s.db, new Date(now.getTime() - REOPEN_WINDOW_MS), now);
  const resolved = await repo.nextResolvedClose(s.db);
  if (resolved?.resolvedAt) later(new Date(resolved.resolvedAt.getTime() + REOPEN_WINDOW_MS));
  return report;
}
