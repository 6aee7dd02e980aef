// notifyUsers: one announcement to some of the tenant's accounts, on the channels asked for — in-app,
// email (held by quiet hours unless urgent) and SMS (through an approved DLT template) — each account's
// preferences deciding too. A student who signed in has one account: its id is the student's id.
import { isUuid, ports, type SubgraphContext } from '@studyspot/runtime';
import { fill } from '../campaigns/campaigns.service.ts';
import { fail, type CommunicationsErrorCode } from '../errors.ts';
import { emailOrDefer } from '../email/email.service.ts';
import { sendSms } from '../sms/sms.service.ts';
import { fillTemplate, notifyInApp, templateFor, wanting, type Category, type Channel } from './inbox.service.ts';

export interface NotifyInput {
  userIds: string[];
  category: Category;
  title?: string | null;
  body?: string | null;
  templateKey?: string | null;
  vars?: { name: string; value: string }[] | null;
  urgent?: boolean | null;
  channels?: Channel[] | null;
  sms?: { templateId: string; vars: string[] } | null;
}

const none = { delivered: 0, emailed: 0, deferred: 0, texted: 0, notTexted: [] };
const refused = (code: CommunicationsErrorCode, message: string, ...field: string[]) => ({ ...none, ...fail(code, message, 'input', ...field) });

export async function notifyUsers(ctx: SubgraphContext, i: NotifyInput) {
  const tenantId = ctx.requireTenant();
  const db = await ctx.tenantDb(tenantId);
  const channels = new Set<Channel>(i.channels?.length ? i.channels : ['IN_APP']);
  if (channels.has('SMS') && !i.sms) return refused('INVALID_INPUT', 'SMS goes only through an approved DLT template: give input.sms { templateId vars }', 'sms');
  // The words per channel other than SMS: given, or the template's for that channel with its variables filled.
  const words = new Map<Channel, { subject: string; body: string }>();
  const worded = [...channels].filter((ch) => ch !== 'SMS');
  if (i.templateKey) {
    const vars = Object.fromEntries((i.vars ?? []).map((v) => [v.name, v.value]));
    for (const ch of worded) {
      const t = await templateFor(db, i.templateKey, ch);
      if (!t) return refused('NOT_FOUND', `Template "${i.templateKey}" has no ${ch} words`, 'templateKey');
      const subject = fillTemplate(t.subject, vars);
      const body = fillTemplate(t.body, vars);
      if ('missing' in subject || 'missing' in body) {
        const missing = [...new Set([...('missing' in subject ? subject.missing : []), ...('missing' in body ? body.missing : [])])];
        return refused('INVALID_INPUT', `Missing variables: ${missing.join(', ')}`, 'vars');
      }
      words.set(ch, { subject: subject.text, body: body.text });
    }
  } else if (worded.length) {
    if (!i.title?.trim() || !i.body?.trim()) return refused('INVALID_INPUT', 'title and body are required (or a templateKey)');
    for (const ch of worded) words.set(ch, { subject: i.title.trim(), body: i.body.trim() });
  }
  if (i.userIds.length > 1_000) return refused('INVALID_INPUT', 'At most 1,000 accounts at once (a campaign reaches more)', 'userIds');
  // Only this tenant's accounts: its staff (core) and its students. A student who signed in has a core
  // account with the student's id: one account, counted once.
  const ids = [...new Set(i.userIds.filter(isUuid))];
  const [staff, students] = await Promise.all([
    ports.accounts.staffOf(ctx.core, tenantId, ids),
    ports.campus.students(db, ids),
  ]);
  const accounts = new Map<string, { email: string | null }>();
  for (const x of [...staff, ...students]) accounts.set(x.id, { email: x.email ?? accounts.get(x.id)?.email ?? null });
  if (accounts.size !== ids.length || ids.length !== i.userIds.length) return refused('NOT_FOUND', 'Some of these accounts are not this tenant’s', 'userIds');
  const known = ids; // in the order asked for

  const inApp = words.get('IN_APP');
  const created = inApp ? await notifyInApp({ db, events: ctx.events, tenantId }, { userIds: known, category: i.category, title: inApp.subject, body: inApp.body, urgent: Boolean(i.urgent) }) : [];
  let emailed = 0;
  let deferred = 0;
  const email = words.get('EMAIL');
  if (email) {
    const addresses = new Map([...accounts].filter(([, a]) => a.email).map(([id, a]) => [id, a.email!]));
    for (const userId of await wanting(db, [...addresses.keys()], i.category, 'EMAIL')) {
      const outcome = await emailOrDefer(ctx.platform, tenantId, db, { to: addresses.get(userId)!, subject: email.subject, text: email.body, urgent: Boolean(i.urgent) });
      if (outcome === 'sent') emailed++;
      else deferred++;
    }
  }
  let texted = 0;
  const notTexted: { userId: string; code: string; reason: string }[] = [];
  if (channels.has('SMS') && i.sms) {
    const byId = new Map(students.map((s) => [s.id, s]));
    const batch = ctx.requestId;
    for (const userId of known) {
      const student = byId.get(userId);
      if (!student) {
        notTexted.push({ userId, code: 'NO_PHONE', reason: 'Staff accounts get no SMS announcements' });
        continue;
      }
      const sent = await sendSms(ctx, tenantId, db, { templateId: i.sms.templateId, vars: i.sms.vars.map((v) => fill(v, { name: student.name, balancePaise: 0, dueDate: null })), studentId: userId, idempotencyKey: `notify:${batch}:${userId}`, category: i.category });
      const msg = 'message' in sent ? sent.message : null;
      if (msg && !['FAILED', 'REJECTED', 'CANCELLED'].includes(msg.status)) texted++;
      else {
        const e = 'userErrors' in sent ? sent.userErrors[0] : undefined;
        // A template that is not there, or not approved, is the caller's mistake: said once, for the whole call.
        if (e && (e.code === 'NOT_FOUND' || e.code === 'TEMPLATE_NOT_APPROVED' || (e.code === 'INVALID_INPUT' && e.field?.includes('vars')))) return { delivered: created.length, emailed, deferred, texted, notTexted, ...fail(e.code, e.message, 'input', 'sms', e.code === 'INVALID_INPUT' ? 'vars' : 'templateId') };
        notTexted.push({ userId, code: e?.code ?? msg?.status ?? 'NOT_SENT', reason: e?.message ?? msg?.reason ?? 'not sent' });
      }
    }
  }
  await ctx.audit({ action: 'notification.send', tenantId, targetType: 'InAppNotification', targetId: created[0]?.id, details: { recipients: known.length, delivered: created.length, texted, category: i.category } });
  return { delivered: created.length, emailed, deferred, texted, notTexted, userErrors: [] };
}
