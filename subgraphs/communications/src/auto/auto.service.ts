// Automatic SMS, each on or off per tenant with its template: fee due in 3 days, due today, overdue
// (billing's dues), an absence streak of N days (campus's visits), a waitlist seat offered, a payment
// receipt, a seat allocated. A sweep looks at what happened lately rather than listening to events,
// so nothing is missed while a process is down; each message's key names the rule and what it is
// about, so each goes once. Not urgent: held back during the tenant's quiet hours.
import type { TenantPrisma } from '@studyspot/db';
import { istDay, type Platform } from '@studyspot/runtime';
import { sendSms } from '../sms/sms.service.ts';

export type AutoKind = 'FEE_DUE_SOON' | 'FEE_DUE_TODAY' | 'FEE_OVERDUE' | 'ABSENCE_STREAK' | 'SEAT_OFFERED' | 'PAYMENT_RECEIPT' | 'SEAT_ALLOCATED';

interface Send {
  key: string;
  studentId: string;
  vars: string[];
}

const DAY = 86_400_000;
const rupees = (paise: number) => (paise / 100).toFixed(2);
const first = (name: string) => name.split(' ')[0] ?? name;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** What each rule would send now, with its variables in the order of the seed's templates. */
async function candidates(db: TenantPrisma, kind: AutoKind, now: Date, days: number): Promise<Send[]> {
  const today = istDay(now);
  const since = new Date(now.getTime() - DAY);
  switch (kind) {
    case 'FEE_DUE_SOON':
    case 'FEE_DUE_TODAY':
    case 'FEE_OVERDUE': {
      const when = kind === 'FEE_DUE_SOON' ? { equals: new Date(today.getTime() + 3 * DAY) } : kind === 'FEE_DUE_TODAY' ? { equals: today } : { lt: today, gte: new Date(today.getTime() - 60 * DAY) };
      const dues = (await db.due.findMany({ where: { status: 'OPEN', dueDate: when }, take: 5_000 })).filter((d) => d.amountPaise + d.adjustmentPaise - d.paidPaise > 0);
      const names = new Map((await db.student.findMany({ where: { id: { in: dues.map((d) => d.studentId) } }, select: { id: true, name: true } })).map((s) => [s.id, s.name]));
      return dues.map((d) => {
        const name = first(names.get(d.studentId) ?? '');
        const owed = rupees(d.amountPaise + d.adjustmentPaise - d.paidPaise);
        return { key: `auto:${kind}:${d.id}`, studentId: d.studentId, vars: kind === 'FEE_OVERDUE' ? [name, owed] : [name, owed, day(d.dueDate)] };
      });
    }
    case 'PAYMENT_RECEIPT': {
      const payments = await db.payment.findMany({ where: { status: 'CAPTURED', capturedAt: { gte: since } }, include: { student: { select: { name: true } }, receipt: { select: { number: true } } }, take: 5_000 });
      return payments.map((p) => ({ key: `auto:${kind}:${p.id}`, studentId: p.studentId, vars: [first(p.student.name), rupees(p.amountPaise), p.receipt?.number ?? '-'] }));
    }
    case 'SEAT_ALLOCATED':
    case 'SEAT_OFFERED': {
      const rows = await db.seatAllocation.findMany({
        where: kind === 'SEAT_ALLOCATED' ? { status: 'ACTIVE', createdAt: { gte: since } } : { status: 'HELD', holdExpiresAt: { gt: now } },
        include: { student: { select: { name: true } }, seat: { select: { label: true } }, shift: { select: { name: true } }, library: { select: { name: true } } },
        take: 5_000,
      });
      return rows.map((a) =>
        kind === 'SEAT_ALLOCATED'
          ? { key: `auto:${kind}:${a.id}`, studentId: a.studentId, vars: [first(a.student.name), a.seat.label, day(a.startDate), a.shift.name] }
          : { key: `auto:${kind}:${a.id}`, studentId: a.studentId, vars: [first(a.student.name), a.library.name.slice(0, 30), a.holdExpiresAt!.toISOString().slice(0, 16).replace('T', ' ')] },
      );
    }
    case 'ABSENCE_STREAK': {
      // Students with a live allocation who have not come in for `days` days (once per streak: the key is the last visit).
      const live = await db.seatAllocation.findMany({ where: { status: 'ACTIVE', startDate: { lte: new Date(today.getTime() - days * DAY) }, endDate: { gte: today } }, select: { studentId: true, startDate: true, library: { select: { name: true } }, student: { select: { name: true } } }, take: 5_000 });
      const out: Send[] = [];
      for (const a of live) {
        const last = await db.visit.findFirst({ where: { studentId: a.studentId }, orderBy: { checkedInAt: 'desc' }, select: { checkedInAt: true } });
        const from = last?.checkedInAt ?? a.startDate;
        const away = Math.floor((now.getTime() - from.getTime()) / DAY);
        if (away >= days) out.push({ key: `auto:${kind}:${a.studentId}:${day(from)}`, studentId: a.studentId, vars: [first(a.student.name), String(away), a.library.name.slice(0, 30)] });
      }
      return out;
    }
  }
}

/** The notification category of a rule's messages: a student's SMS preference for it is honoured. */
const categoryOf = (kind: string) => (kind.startsWith('FEE_') || kind === 'PAYMENT_RECEIPT' ? 'FEES' : kind.startsWith('SEAT_') ? 'SEATS' : 'ATTENDANCE');

/** One pass over a tenant's enabled rules (none in its quiet hours); returns the messages it queued or sent. */
export async function runAutoMessages(platform: Platform, tenantId: string, db: TenantPrisma, now: Date, quiet: boolean): Promise<number> {
  if (quiet) return 0;
  const rules = await db.autoMessageRule.findMany({ where: { enabled: true, templateId: { not: null } } });
  if (!rules.length) return 0;
  let n = 0;
  for (const rule of rules) {
    for (const c of await candidates(db, rule.kind, now, rule.days ?? 3)) {
      if (await db.smsMessage.findUnique({ where: { idempotencyKey: c.key }, select: { id: true } })) continue;
      const r = await sendSms({ platform }, tenantId, db, { templateId: rule.templateId!, vars: c.vars, studentId: c.studentId, idempotencyKey: c.key, category: categoryOf(rule.kind) }, now);
      if ('message' in r && r.message) n++;
      else if ('userErrors' in r && r.userErrors[0]?.code === 'INSUFFICIENT_CREDITS') return n; // nothing more can go today
    }
  }
  return n;
}
