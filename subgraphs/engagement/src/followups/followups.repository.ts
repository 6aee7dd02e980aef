// The only code that reads or writes engagement's follow-ups.
import type { TenantPrisma } from '@studyspot/db';
import { decodeCursor } from '@studyspot/runtime';

export type FollowUpRow = NonNullable<Awaited<ReturnType<typeof findFollowUp>>>;

export const findFollowUp = (db: TenantPrisma, id: string) => db.leadFollowUp.findUnique({ where: { id } });

export const createFollowUp = (db: TenantPrisma, f: { leadId: string; assigneeId: string; dueAt: Date; note: string; createdById: string | null; createdAt: Date }) =>
  db.leadFollowUp.create({ data: f });

/** Marks it done unless it was; false when it was done already. */
export const markDone = async (db: TenantPrisma, id: string, at: Date) => (await db.leadFollowUp.updateMany({ where: { id, doneAt: null }, data: { doneAt: at } })).count === 1;

/** The follow-ups of these leads, soonest first, at most 100 each. */
export const followUpsOfLeads = (db: TenantPrisma, leadIds: readonly string[]) =>
  db.leadFollowUp.findMany({ where: { leadId: { in: [...leadIds] } }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: 100 * leadIds.length });

/** A page of follow-ups not done, soonest first; the cursor is (dueAt, id). Branch-limited callers see their branches' leads' only. */
export function openFollowUps(db: TenantPrisma, take: number, after: string | null | undefined, assigneeId: string | null, libraryIds: string[] | null) {
  const c = after ? decodeCursor(after) : null;
  return db.leadFollowUp.findMany({
    where: {
      AND: [
        { doneAt: null },
        assigneeId ? { assigneeId } : {},
        libraryIds ? { lead: { libraryId: { in: libraryIds } } } : {},
        c ? { OR: [{ dueAt: { gt: c.createdAt } }, { dueAt: c.createdAt, id: { gt: c.id } }] } : {},
      ],
    },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take,
  });
}

/** Follow-ups whose time to tell the assignee has come: due (not told yet) or missed (due before `missedBefore`, not told of that). */
export const toNotify = (db: TenantPrisma, now: Date, missedBefore: Date, limit: number) =>
  db.leadFollowUp.findMany({
    where: { doneAt: null, OR: [{ notifiedDueAt: null, dueAt: { lte: now } }, { notifiedMissedAt: null, dueAt: { lte: missedBefore } }] },
    include: { lead: { select: { name: true, phone: true } } },
    orderBy: { dueAt: 'asc' },
    take: limit,
  });

export const setNotified = (db: TenantPrisma, id: string, data: { notifiedDueAt?: Date; notifiedMissedAt?: Date }) => db.leadFollowUp.update({ where: { id }, data });

/** When the sweep next has something to tell: the earliest untold due time, or untold missed time (due + `missAfterMs`). */
export async function nextNotification(db: TenantPrisma, missAfterMs: number): Promise<Date | null> {
  const [due, missed] = await Promise.all([
    db.leadFollowUp.findFirst({ where: { doneAt: null, notifiedDueAt: null }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } }),
    db.leadFollowUp.findFirst({ where: { doneAt: null, notifiedMissedAt: null }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } }),
  ]);
  const times = [due?.dueAt.getTime(), missed ? missed.dueAt.getTime() + missAfterMs : undefined].filter((t): t is number => t !== undefined);
  return times.length ? new Date(Math.min(...times)) : null;
}
