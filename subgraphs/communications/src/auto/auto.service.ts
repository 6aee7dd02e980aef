// Automatic SMS, each on or off per tenant with its template: fee due in 3 days, due today, overdue
// (billing's dues), an absence streak of N days (campus's visits), a waitlist seat offered, a payment
// receipt, a seat allocated. A sweep looks at what happened lately rather than listening to events,
// so nothing is missed while a process is down; each message's key names the rule and what it is
// about, so each goes once. Not urgent: held back during the tenant's quiet hours.
import type { TenantPrisma } from '@studyspot/db';
import { formatDate, istDay, isUuid, ports, type Platform, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { variableCount } from '../sms/dlt.ts';
import { findTemplate, findTemplateAndSender, keyUsed } from '../sms/sms.repository.ts';
import { sendSms } from '../sms/sms.service.ts';
import * as repo from './auto.repository.ts';

export type AutoKind = 'FEE_DUE_SOON' | 'FEE_DUE_TODAY' | 'FEE_OVERDUE' | 'ABSENCE_STREAK' | 'SEAT_OFFERED' | 'PAYMENT_RECEIPT' | 'SEAT_ALLOCATED';

interface Send {
  key: string;
  studentId: string;
  vars: string[];
}

const DAY = 86_400_000;
const rupees = (paise: number) => (paise / 100).toFixed(2);
const first = (name: string) => name.split(' ')[0] ?? name;

/** What each rule would send now, with its variables in the order of the seed's templates. */
async function candidates(db: TenantPrisma, kind: AutoKind, now: Date, days: number): Promise<Send[]> {
  const today = istDay(now);
  const since = new Date(now.getTime() - DAY);
  const campus = ports.campus;
  const names = async (ids: string[]) => new Map((await campus.students(db, [...new Set(ids)])).map((s) => [s.id, s.name]));
  switch (kind) {
    case 'FEE_DUE_SOON':
    case 'FEE_DUE_TODAY':
    case 'FEE_OVERDUE': {
      const when = kind === 'FEE_DUE_SOON' ? { equals: new Date(today.getTime() + 3 * DAY) } : kind === 'FEE_DUE_TODAY' ? { equals: today } : { lt: today, gte: new Date(today.getTime() - 60 * DAY) };
      // (The dues' students' first names, from campus.)
      const dues = (await ports.billing.openDuesDue(db, when)).filter((d) => d.amountPaise + d.adjustmentPaise - d.paidPaise > 0);
      const named = await names(dues.map((d) => d.studentId));
      return dues.map((d) => {
        const name = first(named.get(d.studentId) ?? '');
        const owed = rupees(d.amountPaise + d.adjustmentPaise - d.paidPaise);
        return { key: `auto:${kind}:${d.id}`, studentId: d.studentId, vars: kind === 'FEE_OVERDUE' ? [name, owed] : [name, owed, formatDate(d.dueDate)] };
      });
    }
    case 'PAYMENT_RECEIPT': {
      const payments = await ports.billing.capturedSince(db, since);
      const named = await names(payments.map((p) => p.studentId));
      return payments.map((p) => ({ key: `auto:${kind}:${p.id}`, studentId: p.studentId, vars: [first(named.get(p.studentId) ?? ''), rupees(p.amountPaise), p.receipt?.number ?? '-'] }));
    }
    case 'SEAT_ALLOCATED':
    case 'SEAT_OFFERED': {
      const rows = kind === 'SEAT_ALLOCATED' ? await campus.activatedSince(db, since) : await campus.heldOffers(db, now);
      return rows.map((a) =>
        kind === 'SEAT_ALLOCATED'
          ? { key: `auto:${kind}:${a.id}`, studentId: a.studentId, vars: [first(a.student.name), a.seat.label, formatDate(a.startDate), a.shift.name] }
          : { key: `auto:${kind}:${a.id}`, studentId: a.studentId, vars: [first(a.student.name), a.library.name.slice(0, 30), a.holdExpiresAt!.toISOString().slice(0, 16).replace('T', ' ')] },
      );
    }
    case 'ABSENCE_STREAK': {
      // Students with a live allocation who have not come in for `days` days (once per streak: the key is the last visit).
      const live = await campus.activeSince(db, new Date(today.getTime() - days * DAY), today);
      // Each student's last check-in, in one read (it was one read per allocation).
      const lastIn = await campus.lastCheckIns(db, live.map((a) => a.studentId));
      const out: Send[] = [];
      for (const a of live) {
        const from = lastIn.get(a.studentId) ?? a.startDate;
        const away = Math.floor((now.getTime() - from.getTime()) / DAY);
        if (away >= days) out.push({ key: `auto:${kind}:${a.studentId}:${formatDate(from)}`, studentId: a.studentId, vars: [first(a.student.name), String(away), a.library.name.slice(0, 30)] });
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
  const rules = await repo.enabledRules(db);
  if (!rules.length) return 0;
  let n = 0;
  for (const rule of rules) {
    for (const c of await candidates(db, rule.kind, now, rule.days ?? 3)) {
      if (await keyUsed(db, c.key)) continue;
      const r = await sendSms({ platform }, tenantId, db, { templateId: rule.templateId!, vars: c.vars, studentId: c.studentId, idempotencyKey: c.key, category: categoryOf(rule.kind) }, now);
      if ('message' in r && r.message) n++;
      else if ('userErrors' in r && r.userErrors[0]?.code === 'INSUFFICIENT_CREDITS') return n; // nothing more can go today
    }
  }
  return n;
}

/** Variables each kind fills, in order (the candidates above). */
export const AUTO_VARIABLES: Record<AutoKind, number> = { FEE_DUE_SOON: 3, FEE_DUE_TODAY: 3, FEE_OVERDUE: 2, ABSENCE_STREAK: 3, SEAT_OFFERED: 3, PAYMENT_RECEIPT: 3, SEAT_ALLOCATED: 4 };

/** A rule as the API shows it (a kind never set is off). */
export async function ruleView(ctx: SubgraphContext, kind: AutoKind) {
  const { db } = await ctx.currentTenant();
  const r = await repo.findRule(db, kind);
  const t = r?.templateId ? await findTemplateAndSender(db, r.templateId) : null;
  return { kind, enabled: r?.enabled ?? false, days: r?.days ?? (kind === 'ABSENCE_STREAK' ? 3 : null), variables: AUTO_VARIABLES[kind], template: t ? { ...t, variables: variableCount(t.body) } : null };
}

export const allRules = (ctx: SubgraphContext) => Promise.all((Object.keys(AUTO_VARIABLES) as AutoKind[]).map((k) => ruleView(ctx, k)));

const refuse = (code: Parameters<typeof fail>[0], message: string, ...field: string[]) => ({ rule: null, ...fail(code, message, ...field) });

export async function setRule(ctx: SubgraphContext, a: { kind: AutoKind; enabled: boolean; templateId?: string | null; days?: number | null }) {
  const { db } = await ctx.currentTenant();
  const current = await repo.findRule(db, a.kind);
  const templateId = a.templateId ?? current?.templateId ?? null;
  if (a.enabled) {
    const t = templateId && isUuid(templateId) ? await findTemplate(db, templateId) : null;
    if (!t) return refuse('NOT_FOUND', 'Choose the template it goes through', 'templateId');
    if (t.approval !== 'APPROVED') return refuse('TEMPLATE_NOT_APPROVED', 'Automatic SMS go out only through an approved template', 'templateId');
    if (variableCount(t.body) !== AUTO_VARIABLES[a.kind]) return refuse('INVALID_INPUT', `${a.kind} fills ${AUTO_VARIABLES[a.kind]} variables; the template has ${variableCount(t.body)}`, 'templateId');
  }
  if (a.days != null && (!Number.isInteger(a.days) || a.days < 1 || a.days > 60)) return refuse('INVALID_INPUT', 'days is 1 to 60', 'days');
  await repo.setRule(db, { kind: a.kind, enabled: a.enabled, templateId, days: a.days });
  // The messages sweep looks at what the rule would send now, then daily.
  if (a.enabled) await ctx.platform.work.due(ctx.tenantId!, 'messages');
  await ctx.audit({ action: 'sms.auto.set', targetType: 'AutoMessageRule', details: { kind: a.kind, enabled: a.enabled, templateId } });
  return { rule: await ruleView(ctx, a.kind), userErrors: [] };
}
