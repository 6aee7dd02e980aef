// Campaigns: an SMS to an audience of students (by library, shift, status, overdue dues or at risk of
// leaving), now or later, throttled, with progress, cancellable. A run writes the recipients once (the audience as it
// is when the campaign starts), then sends to those still PENDING; every message's idempotency key is
// the campaign and the student, so a run resumed after a crash never sends twice.
import type { TenantPrisma } from '@studyspot/db';
import { byIds, clock, formatDate, istDay, isUuid, ports, type Platform, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { notifyInApp } from '../inbox/inbox.service.ts';
import { variableCount } from '../sms/dlt.ts';
import { findTemplate, findTemplateAndSender } from '../sms/sms.repository.ts';
import { sendSms } from '../sms/sms.service.ts';
import * as repo from './campaigns.repository.ts';
import { campaignQueue } from './queue.ts';

export interface Audience {
  libraryId?: string | null;
  shiftId?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED' | 'LEFT' | null;
  overdue?: boolean | null;
  /** Only students insights scores as likely to leave (ports.insights.atRisk). */
  atRisk?: boolean | null;
}

/** The chance of leaving within 30 days from which a student is in an "at risk" audience. */
const AT_RISK = 0.5;

const rupees = (paise: number) => (paise / 100).toFixed(2);

/** The students an audience names now, with what their variables need. */
export async function audienceOf(db: TenantPrisma, a: Audience, now = clock.now()) {
  const today = istDay(now);
  const students = await ports.campus.audience(db, { status: a.status ?? 'ACTIVE', libraryId: a.libraryId, shiftId: a.shiftId }, today);
  const dues = await ports.billing.openDuesOf(db, students.map((s) => s.id));
  const owed = new Map<string, { balance: number; overdue: boolean; dueDate: Date | null }>();
  for (const d of dues) {
    const o = owed.get(d.studentId) ?? { balance: 0, overdue: false, dueDate: null };
    o.balance += d.amountPaise + d.adjustmentPaise - d.paidPaise;
    if (d.dueDate < today) o.overdue = true;
    if (!o.dueDate || d.dueDate < o.dueDate) o.dueDate = d.dueDate;
    owed.set(d.studentId, o);
  }
  const risky = a.atRisk ? new Set(await ports.insights.atRisk(db, now, AT_RISK)) : null;
  return students
    .filter((s) => !a.overdue || owed.get(s.id)?.overdue)
    .filter((s) => !risky || risky.has(s.id))
    .map((s) => ({ ...s, balancePaise: owed.get(s.id)?.balance ?? 0, dueDate: owed.get(s.id)?.dueDate ?? null }));
}

/** A campaign variable for one student: {name}, {balance} (rupees) and {dueDate} filled in. */
export function fill(v: string, s: { name: string; balancePaise: number; dueDate: Date | null }): string {
  return v
    .replaceAll('{name}', s.name.split(' ')[0] ?? s.name)
    .replaceAll('{balance}', rupees(s.balancePaise))
    .replaceAll('{dueDate}', s.dueDate ? formatDate(s.dueDate) : '');
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
  let c = await repo.findCampaign(db, campaignId);
  if (!c || c.status === 'CANCELLED') return 'cancelled';
  if (c.status === 'COMPLETED') return 'completed';
  if (c.status === 'SCHEDULED') {
    if (c.scheduledAt > now()) return 'not-due';
    const students = await audienceOf(db, c.audience as Audience, now());
    await repo.start(db, c.id, students.map((s) => s.id), now());
    c = await repo.findCampaignOrThrow(db, campaignId);
  }
  // Throttle: one message per 60,000 / rate ms, counting the time a send took.
  const gap = 60_000 / c.ratePerMinute;
  let last = 0;
  // The audience's names and balances, read once per run (not per batch).
  const people = new Map((await audienceOf(db, { ...(c.audience as Audience), overdue: false, atRisk: false }, now())).map((s) => [s.id, s]));
  for (;;) {
    const batch = await repo.pendingRecipients(db, campaignId);
    if (!batch.length) break;
    for (const r of batch) {
      if (o.shouldStop?.()) return 'stopped';
      if ((await repo.campaignStatus(db, campaignId)) === 'CANCELLED') return 'cancelled';
      const who = people.get(r.studentId) ?? (await ports.campus.students(db, [r.studentId]).then(([s]) => (s ? { id: s.id, name: s.name, balancePaise: 0, dueDate: null } : null)));
      if (!who) {
        await repo.recordRecipient(db, campaignId, r.studentId, { status: 'SKIPPED', reason: 'The student no longer exists' });
        continue;
      }
      const wait0 = last + gap - clock.nowMs();
      if (last && wait0 > 0) await sleep(wait0);
      last = clock.nowMs();
      const sent = await sendSms({ platform }, tenantId, db, { templateId: c.templateId, vars: c.vars.map((v) => fill(v, who)), studentId: who.id, idempotencyKey: `campaign:${campaignId}:${who.id}`, campaignId, category: (c.audience as Audience).overdue ? 'FEES' : 'ANNOUNCEMENTS' }, now());
      const message = 'message' in sent ? sent.message : null;
      const ok = message && (message.status === 'SENT' || message.status === 'DELIVERED' || message.status === 'QUEUED');
      await repo.recordRecipient(
        db,
        campaignId,
        r.studentId,
        ok ? { status: 'SENT', messageId: message!.id } : { status: message?.status === 'FAILED' || message?.status === 'REJECTED' ? 'FAILED' : 'SKIPPED', messageId: message?.id ?? null, reason: (message?.reason ?? ('userErrors' in sent ? sent.userErrors[0]?.message : null) ?? 'not sent').slice(0, 200) },
      );
      // The same words in the student's in-app bell (after the recipient is recorded: a crash loses
      // at most this note, never doubles it).
      if (ok) await notifyInApp({ db, events: platform.events, tenantId }, { userIds: [who.id], category: (c.audience as Audience).overdue ? 'FEES' : 'ANNOUNCEMENTS', title: c.name, body: message!.body });
    }
  }
  await repo.complete(db, campaignId, now());
  return 'completed';
}

export async function progressOf(db: TenantPrisma, campaignId: string) {
  const rows = await repo.progressOf(db, campaignId);
  const n = (s: string) => rows.find((r) => r.status === s)?.count ?? 0;
  return { recipients: rows.reduce((t, r) => t + r.count, 0), pending: n('PENDING'), sent: n('SENT'), failed: n('FAILED'), skipped: n('SKIPPED') };
}

// The API's side: create, cancel, read.

const STATUSES = new Set(['ACTIVE', 'SUSPENDED', 'LEFT']);
const refuse = (code: Parameters<typeof fail>[0], message: string, ...field: string[]) => ({ campaign: null, ...fail(code, message, ...field) });

export interface CampaignInput {
  name: string;
  templateId: string;
  vars: string[];
  audience: { libraryId?: string | null; shiftId?: string | null; studentStatus?: string | null; overdue?: boolean | null; atRisk?: boolean | null };
  scheduledAt?: Date | null;
  ratePerMinute?: number | null;
}

export async function createCampaign(ctx: SubgraphContext, i: CampaignInput) {
  const { tenantId, db } = await ctx.currentTenant();
  if (!i.name.trim()) return refuse('INVALID_INPUT', 'name is required', 'input', 'name');
  const template = isUuid(i.templateId) ? await findTemplate(db, i.templateId) : null;
  if (!template) return refuse('NOT_FOUND', 'No such template', 'input', 'templateId');
  if (template.approval !== 'APPROVED') return refuse('TEMPLATE_NOT_APPROVED', 'Campaigns go out only through an approved template', 'input', 'templateId');
  if (i.vars.length !== variableCount(template.body)) return refuse('INVALID_INPUT', `The template has ${variableCount(template.body)} variables; ${i.vars.length} given`, 'input', 'vars');
  const rate = i.ratePerMinute ?? 120;
  if (!Number.isInteger(rate) || rate < 1 || rate > 6_000) return refuse('INVALID_INPUT', 'ratePerMinute is 1 to 6000', 'input', 'ratePerMinute');
  if (i.audience.studentStatus && !STATUSES.has(i.audience.studentStatus)) return refuse('INVALID_INPUT', 'studentStatus is ACTIVE, SUSPENDED or LEFT', 'input', 'audience', 'studentStatus');
  for (const k of ['libraryId', 'shiftId'] as const) if (i.audience[k] && !isUuid(i.audience[k]!)) return refuse('NOT_FOUND', `No such ${k === 'libraryId' ? 'library' : 'shift'}`, 'input', 'audience', k);
  const audience: Audience = { libraryId: i.audience.libraryId ?? null, shiftId: i.audience.shiftId ?? null, status: (i.audience.studentStatus as Audience['status']) ?? null, overdue: i.audience.overdue ?? null, atRisk: i.audience.atRisk ?? null };
  const scheduledAt = i.scheduledAt && i.scheduledAt > clock.now() ? i.scheduledAt : clock.now();
  const campaign = await repo.createCampaign(db, { name: i.name.trim(), templateId: template.id, vars: i.vars, audience: { ...audience }, scheduledAt, ratePerMinute: rate, createdById: ctx.claims!.sub });
  // On a test clock no timer fires at a later time: the messages work runs it when the clock passes it.
  if (clock.frozen && scheduledAt > clock.now()) await ctx.platform.work.due(tenantId, 'messages', scheduledAt);
  else await campaignQueue(ctx.platform).schedule(tenantId, campaign.id, scheduledAt);
  await ctx.audit({ action: 'campaign.create', tenantId, targetType: 'Campaign', targetId: campaign.id, details: { name: campaign.name, audience: { ...audience }, scheduledAt: scheduledAt.toISOString() } });
  return { campaign, userErrors: [] };
}

export async function cancelCampaign(ctx: SubgraphContext, id: string) {
  const { tenantId, db } = await ctx.currentTenant();
  const c = isUuid(id) ? await repo.findCampaign(db, id) : null;
  if (!c) return refuse('NOT_FOUND', 'No such campaign', 'id');
  const moved = await repo.cancelCampaign(db, c.id, clock.now());
  if (moved) await ctx.audit({ action: 'campaign.cancel', tenantId, targetType: 'Campaign', targetId: c.id });
  return { campaign: await repo.findCampaign(db, c.id), userErrors: moved ? [] : fail('INVALID_INPUT', `The campaign is ${c.status}`).userErrors };
}

export async function campaignById(ctx: SubgraphContext, id: string) {
  const { tenantId, db } = await ctx.currentTenant();
  if (!isUuid(id)) return null;
  return ctx.loader<string, repo.CampaignRow | null>(`campaign:${tenantId}`, async (ids) => byIds(ids, await repo.campaignsByIds(db, ids))).load(id);
}

export const latestCampaigns = async (ctx: SubgraphContext) => repo.latestCampaigns((await ctx.currentTenant()).db);

export async function templateOf(ctx: SubgraphContext, templateId: string) {
  const t = await findTemplateAndSender((await ctx.currentTenant()).db, templateId);
  if (!t) throw new Error(`campaign template ${templateId} is missing`);
  return { ...t, variables: variableCount(t.body) };
}

export const progress = async (ctx: SubgraphContext, campaignId: string) => progressOf((await ctx.currentTenant()).db, campaignId);
