// Campaigns: an SMS to an audience of students (by library, shift, status or overdue dues), now or
// later, throttled, with progress, cancellable. A run writes the recipients once (the audience as it
// is when the campaign starts), then sends to those still PENDING; every message's idempotency key is
// the campaign and the student, so a run resumed after a crash never sends twice.
import type { TenantPrisma } from '@studyspot/db';
import { clock, istDay, isUuid, type Platform } from '@studyspot/runtime';
import { notifyInApp } from '../inbox/inbox.service.ts';
import { sendSms } from '../sms/sms.service.ts';

export interface Audience {
  libraryId?: string | null;
  shiftId?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED' | 'LEFT' | null;
  overdue?: boolean | null;
}

const rupees = (paise: number) => (paise / 100).toFixed(2);

/** The students an audience names now, with what their variables need. */
export async function audienceOf(db: TenantPrisma, a: Audience, now = clock.now()) {
  const today = istDay(now);
  const where: Record<string, unknown> = { status: a.status ?? 'ACTIVE' };
  if (a.libraryId) where.libraryId = isUuid(a.libraryId) ? a.libraryId : '00000000-0000-0000-0000-000000000000';
  if (a.shiftId) where.allocations = { some: { shiftId: isUuid(a.shiftId) ? a.shiftId : '00000000-0000-0000-0000-000000000000', status: { in: ['ACTIVE', 'PAUSED'] }, endDate: { gte: today } } };
  const students = await db.student.findMany({ where, select: { id: true, name: true }, orderBy: { id: 'asc' }, take: 50_000 });
  const dues = await db.due.findMany({ where: { studentId: { in: students.map((s) => s.id) }, status: 'OPEN' }, select: { studentId: true, dueDate: true, amountPaise: true, adjustmentPaise: true, paidPaise: true } });
  const owed = new Map<string, { balance: number; overdue: boolean; dueDate: Date | null }>();
  for (const d of dues) {
    const o = owed.get(d.studentId) ?? { balance: 0, overdue: false, dueDate: null };
    o.balance += d.amountPaise + d.adjustmentPaise - d.paidPaise;
    if (d.dueDate < today) o.overdue = true;
    if (!o.dueDate || d.dueDate < o.dueDate) o.dueDate = d.dueDate;
    owed.set(d.studentId, o);
  }
  return students
    .filter((s) => !a.overdue || owed.get(s.id)?.overdue)
    .map((s) => ({ ...s, balancePaise: owed.get(s.id)?.balance ?? 0, dueDate: owed.get(s.id)?.dueDate ?? null }));
}

/** A campaign variable for one student: {name}, {balance} (rupees) and {dueDate} filled in. */
export function fill(v: string, s: { name: string; balancePaise: number; dueDate: Date | null }): string {
  return v
    .replaceAll('{name}', s.name.split(' ')[0] ?? s.name)
    .replaceAll('{balance}', rupees(s.balancePaise))
    .replaceAll('{dueDate}', s.dueDate ? s.dueDate.toISOString().slice(0, 10) : '');
}

export interface RunOptions {
  now?: () => Date;
  /** Stop between messages (a worker shutting down): the run resumes later. */
  shouldStop?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs (or resumes) a campaign until it is done, cancelled or told to stop. */
export async function runCampaign(platform: Platform, tenantId: string, db: TenantPrisma, campaignId: string, o: RunOptions = {}): Promise<'completed' | 'cancelled' | 'stopped' | 'not-due'> {
  const now = o.now ?? (() => clock.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  let c = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!c || c.status === 'CANCELLED') return 'cancelled';
  if (c.status === 'COMPLETED') return 'completed';
  if (c.status === 'SCHEDULED') {
    if (c.scheduledAt > now()) return 'not-due';
    const students = await audienceOf(db, c.audience as Audience, now());
    await db.$transaction(async (tx) => {
      const moved = await tx.campaign.updateMany({ where: { id: c!.id, status: 'SCHEDULED' }, data: { status: 'RUNNING', startedAt: now() } });
      if (moved.count) await tx.campaignRecipient.createMany({ data: students.map((s) => ({ campaignId: c!.id, studentId: s.id })), skipDuplicates: true });
    });
    c = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  }
  // Throttle: one message per 60,000 / rate ms, counting the time a send took.
  const gap = 60_000 / c.ratePerMinute;
  let last = 0;
  // The audience's names and balances, read once per run (not per batch).
  const people = new Map((await audienceOf(db, { ...(c.audience as Audience), overdue: false }, now())).map((s) => [s.id, s]));
  for (;;) {
    const batch = await db.campaignRecipient.findMany({ where: { campaignId, status: 'PENDING' }, take: 100, orderBy: { studentId: 'asc' } });
    if (!batch.length) break;
    for (const r of batch) {
      if (o.shouldStop?.()) return 'stopped';
      const live = await db.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { status: true } });
      if (live.status === 'CANCELLED') return 'cancelled';
      const who = people.get(r.studentId) ?? (await db.student.findUnique({ where: { id: r.studentId }, select: { id: true, name: true } }).then((s) => (s ? { ...s, balancePaise: 0, dueDate: null } : null)));
      if (!who) {
        await db.campaignRecipient.update({ where: { campaignId_studentId: { campaignId, studentId: r.studentId } }, data: { status: 'SKIPPED', reason: 'The student no longer exists' } });
        continue;
      }
      const wait0 = last + gap - Date.now();
      if (last && wait0 > 0) await sleep(wait0);
      last = Date.now();
      const sent = await sendSms({ platform }, tenantId, db, { templateId: c.templateId, vars: c.vars.map((v) => fill(v, who)), studentId: who.id, idempotencyKey: `campaign:${campaignId}:${who.id}`, campaignId, category: (c.audience as Audience).overdue ? 'FEES' : 'ANNOUNCEMENTS' }, now());
      const message = 'message' in sent ? sent.message : null;
      const ok = message && (message.status === 'SENT' || message.status === 'DELIVERED' || message.status === 'QUEUED');
      await db.campaignRecipient.update({
        where: { campaignId_studentId: { campaignId, studentId: r.studentId } },
        data: ok ? { status: 'SENT', messageId: message!.id } : { status: message?.status === 'FAILED' || message?.status === 'REJECTED' ? 'FAILED' : 'SKIPPED', messageId: message?.id ?? null, reason: (message?.reason ?? ('userErrors' in sent ? sent.userErrors[0]?.message : null) ?? 'not sent').slice(0, 200) },
      });
      // The same words in the student's in-app bell (after the recipient is recorded: a crash loses
      // at most this note, never doubles it).
      if (ok) await notifyInApp({ db, events: platform.events, tenantId }, { userIds: [who.id], category: (c.audience as Audience).overdue ? 'FEES' : 'ANNOUNCEMENTS', title: c.name, body: message!.body });
    }
  }
  await db.campaign.updateMany({ where: { id: campaignId, status: 'RUNNING' }, data: { status: 'COMPLETED', finishedAt: now() } });
  return 'completed';
}

export async function progressOf(db: TenantPrisma, campaignId: string) {
  const rows = await db.campaignRecipient.groupBy({ by: ['status'], where: { campaignId }, _count: { _all: true } });
  const n = (s: string) => rows.find((r) => r.status === s)?._count._all ?? 0;
  return { recipients: rows.reduce((t, r) => t + r._count._all, 0), pending: n('PENDING'), sent: n('SENT'), failed: n('FAILED'), skipped: n('SKIPPED') };
}
