// Leads: validation shared by the public form and the desk, adding (merged by phone), editing,
// moving through the pipeline, assignment, the timeline, lists and the board.
import { clock, emptyConnection, encodeCursor as cursorOf, topics, isEmail, isUuid, normalizeIndianMobile, paginate, ports, type ConnectionArgs, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { engagementError, fail, type EngagementUserError } from '../errors.ts';
import { referrerOf } from '../referrals/referrals.service.ts';
import { actorOf, inBranches } from '../shared/scope.ts';
import * as repo from './leads.repository.ts';
import type { LeadRow, LeadSource, StageRow } from './leads.repository.ts';

/** Letters (any script), marks, spaces, dots, apostrophes and hyphens: a name, never markup. */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'-]*$/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface LeadFields {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  preferredShiftId?: string | null;
  preferredStartDate?: Date | null;
  message?: string | null;
}

/** A lead's details as stored (the repository's row fields), checked. */
export type CleanLead = Pick<repo.NewLead, 'name' | 'phone' | 'email' | 'preferredShiftId' | 'preferredStartDate' | 'message'>;

/** Checks and normalizes a lead's details; `at` is the input's path (['input']). Writes nothing. */
export function cleanLead(i: LeadFields, at: string[]): CleanLead | EngagementUserError {
  const bad = (field: string, message: string) => engagementError('INVALID_INPUT', message, ...at, field);
  const name = i.name?.trim().replace(/\s+/g, ' ') ?? '';
  if (!name) return bad('name', 'name is required');
  if (name.length > 120) return bad('name', 'name is at most 120 characters');
  if (!NAME.test(name)) return bad('name', 'name may hold letters, spaces, dots, apostrophes and hyphens only');
  const phone = i.phone ? normalizeIndianMobile(i.phone) : null;
  if (!phone) return bad('phone', 'phone must be a 10-digit Indian mobile number');
  const email = i.email?.trim().toLowerCase() || null;
  if (email && !isEmail(email)) return bad('email', 'email is not an email address');
  if (i.preferredShiftId && !isUuid(i.preferredShiftId)) return bad('preferredShiftId', 'No such shift');
  const message = i.message?.trim() || null;
  if (message && CONTROL.test(message)) return bad('message', 'message holds control characters');
  return { name, phone, email, preferredShiftId: i.preferredShiftId ?? null, preferredStartDate: i.preferredStartDate ?? null, message };
}

/** A preferred shift must be one of the lead's library. */
export async function checkShift(s: Pick<RequestScope, 'db'>, libraryId: string, shiftId: string | null, at: string[]): Promise<EngagementUserError | null> {
  if (!shiftId) return null;
  const [shift] = await ports.campus.shifts(s.db, [shiftId]);
  return shift?.libraryId === libraryId ? null : engagementError('INVALID_INPUT', 'The shift is not one of the library’s', ...at, 'preferredShiftId');
}

export const stageByKey = async (s: Pick<RequestScope, 'db'>, key: string) => (await repo.stages(s.db)).find((x) => x.key === key)!;

/** The branch's staff member with the fewest open leads (the oldest account on a tie); owners only when the branch has no staff. */
export async function pickAssignee(ctx: SubgraphContext, tenantId: string, s: Pick<RequestScope, 'db'>, libraryId: string): Promise<Person | null> {
  return (await assigner(ctx, tenantId, s, libraryId))();
}

/**
 * Who takes the branch's next new leads, one call per lead: the staff member with the fewest open
 * leads (the oldest account on a tie; owners only when the branch has no staff), counting the leads
 * handed out by earlier calls. `giveBack` undoes a call whose lead was merged, not made.
 */
export async function assigner(ctx: SubgraphContext, tenantId: string, s: Pick<RequestScope, 'db'>, libraryId: string) {
  const people = await ports.accounts.branchStaff(ctx.core, tenantId, libraryId);
  const staff = people.filter((p) => p.role !== 'OWNER');
  const pool = staff.length ? staff : people;
  const open = pool.length ? await repo.openLeadCounts(s.db, pool.map((p) => p.id)) : new Map<string, number>();
  const next = (): Person | null => {
    if (!pool.length) return null;
    const p = pool.reduce((best, x) => ((open.get(x.id) ?? 0) < (open.get(best.id) ?? 0) ? x : best));
    open.set(p.id, (open.get(p.id) ?? 0) + 1);
    return p;
  };
  return Object.assign(next, { giveBack: (p: Person) => open.set(p.id, (open.get(p.id) ?? 1) - 1) });
}

type Person = { id: string; name: string };

/** The account, when it may work leads of the branch. */
export async function assignable(ctx: SubgraphContext, tenantId: string, libraryId: string, userId: string): Promise<Person | null> {
  return isUuid(userId) ? ((await ports.accounts.branchStaff(ctx.core, tenantId, libraryId)).find((p) => p.id === userId) ?? null) : null;
}


/** The lead, if it exists and is in the caller's branches. */
export async function visibleLead(s: RequestScope, id: string) {
  const lead = isUuid(id) ? await repo.findLead(s.db, id) : null;
  return lead && inBranches(s, lead.libraryId) ? lead : null;
}

const notFound = () => fail('NOT_FOUND', 'No such lead', 'id');

/** Tells the live board (Subscription.leadBoard) that a lead of a branch changed. */
export const publishLeadChange = (ctx: Pick<SubgraphContext, 'events'>, tenantId: string, lead: { id: string | null; libraryId: string }) =>
  ctx.events.publish(topics.tenant(tenantId), { type: 'LEAD_CHANGED', leadId: lead.id, libraryId: lead.libraryId });

/** Adds or merges an open lead of the phone (the desk and the public form) and records the enquiry on its timeline. */
export async function recordLead(
  ctx: SubgraphContext,
  tenantId: string,
  s: Pick<RequestScope, 'db'>,
  l: CleanLead & { libraryId: string; source: LeadSource; consent: boolean | null; utmSource?: string | null; utmMedium?: string | null; utmCampaign?: string | null; assignee?: Person | null; actorId: string | null; referrerStudentId?: string | null },
) {
  const now = clock.now();
  const [stage, assignee] = await Promise.all([stageByKey(s, 'NEW'), l.assignee ?? pickAssignee(ctx, tenantId, s, l.libraryId)]);
  const lead = await repo.upsertOpenLead(
    s.db,
    { ...l, stageId: stage.id, utmSource: l.utmSource ?? null, utmMedium: l.utmMedium ?? null, utmCampaign: l.utmCampaign ?? null, assigneeId: assignee?.id ?? null, createdById: l.actorId, referrerStudentId: l.referrerStudentId ?? null },
    now,
  );
  // The form's consent (or its withdrawal) is the phone's consent to promotional SMS too.
  if (l.consent !== null) await ports.messages.consent(s.db, l.phone, l.consent);
  const what = l.actorId ? `${l.source.replace('_', ' ').toLowerCase()}` : `enquiry from the ${l.source === 'QR_POSTER' ? 'QR poster' : 'website'}`;
  await repo.addEvent(s.db, { leadId: lead.id, kind: lead.created ? (l.actorId ? 'CREATED' : 'ENQUIRY') : 'ENQUIRY', actorId: l.actorId, body: lead.created ? (l.message ?? what) : `Asked again (${what})${l.message ? `: ${l.message}` : ''}`, at: now });
  if (lead.created && assignee) await repo.addEvent(s.db, { leadId: lead.id, kind: 'ASSIGNED', actorId: l.actorId, body: `Assigned to ${assignee.name}`, at: now });
  await publishLeadChange(ctx, tenantId, { id: lead.id, libraryId: l.libraryId });
  return lead;
}

export interface LeadInput extends LeadFields {
  libraryId: string;
  source?: LeadSource | null;
  consent?: boolean | null;
  assigneeId?: string | null;
  referralCode?: string | null;
}

export async function createLead(ctx: SubgraphContext, s: RequestScope, i: LeadInput) {
  const clean = cleanLead(i, ['input']);
  if ('code' in clean) return { lead: null, userErrors: [clean] };
  if (!isUuid(i.libraryId) || !inBranches(s, i.libraryId) || !(await ports.campus.librariesExist(s.db, [i.libraryId]))) return { lead: null, ...fail('NOT_FOUND', 'No such library', 'input', 'libraryId') };
  const shiftError = await checkShift(s, i.libraryId, clean.preferredShiftId, ['input']);
  if (shiftError) return { lead: null, userErrors: [shiftError] };
  const assignee = i.assigneeId ? await assignable(ctx, s.tenantId, i.libraryId, i.assigneeId) : null;
  if (i.assigneeId && !assignee) return { lead: null, ...fail('NOT_ASSIGNABLE', 'Not a staff member of this branch', 'input', 'assigneeId') };
  const referrer = await referrerOf(s, i.referralCode, clean.phone, ['input']);
  if (referrer && 'code' in referrer) return { lead: null, userErrors: [referrer] };
  const made = await recordLead(ctx, s.tenantId, s, { ...clean, libraryId: i.libraryId, source: i.source ?? 'WALK_IN', consent: i.consent ?? null, assignee, actorId: actorOf(s), referrerStudentId: referrer?.id ?? null });
  return { lead: await repo.findLead(s.db, made.id), userErrors: [] };
}

export async function updateLead(ctx: SubgraphContext, s: RequestScope, id: string, i: { name?: string | null; email?: string | null; preferredShiftId?: string | null; preferredStartDate?: Date | null; consent?: boolean | null }) {
  const lead = await visibleLead(s, id);
  if (!lead) return { lead: null, ...notFound() };
  const clean = cleanLead({ ...lead, ...Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)) }, ['input']);
  if ('code' in clean) return { lead: null, userErrors: [clean] };
  const shiftError = await checkShift(s, lead.libraryId, clean.preferredShiftId, ['input']);
  if (shiftError) return { lead: null, userErrors: [shiftError] };
  const now = clock.now();
  const changed = i.consent != null && i.consent !== lead.consent ? i.consent : null;
  const updated = await repo.updateLead(s.db, lead.id, { name: clean.name, email: clean.email, preferredShiftId: clean.preferredShiftId, preferredStartDate: clean.preferredStartDate, ...(changed === null ? {} : { consent: changed, consentAt: now }), updatedAt: now });
  if (changed !== null) {
    await ports.messages.consent(s.db, lead.phone, changed);
    await repo.addEvent(s.db, { leadId: lead.id, kind: 'NOTE', actorId: actorOf(s), body: changed ? 'Consent to be contacted given' : 'Consent to be contacted withdrawn', at: now });
  }
  await publishLeadChange(ctx, s.tenantId, lead);
  return { lead: updated, userErrors: [] };
}

export async function moveLead(ctx: SubgraphContext, s: RequestScope, id: string, stageId: string, lostReason: string | null | undefined) {
  const lead = await visibleLead(s, id);
  if (!lead) return { lead: null, ...notFound() };
  const all = await repo.stages(s.db);
  const to = all.find((x) => x.id === stageId);
  if (!to) return { lead: null, ...fail('NOT_FOUND', 'No such stage', 'stageId') };
  if (lead.convertedAt) return { lead: null, ...fail('INVALID_STATE', 'The lead is a student already', 'id') };
  if (to.kind === 'WON') return { lead: null, ...fail('INVALID_STATE', 'A lead is won by converting it (convertLead)', 'stageId') };
  const reason = lostReason?.trim() || null;
  if (to.kind === 'LOST' && !reason) return { lead: null, ...fail('INVALID_INPUT', 'Say why the lead was lost', 'lostReason') };
  if (to.id === lead.stageId) return { lead, userErrors: [] };
  const now = clock.now();
  const moved = await repo.moveUnlessConverted(s.db, lead.id, lead.stageId, { stageId: to.id, closedAt: to.kind === 'LOST' ? now : null, lostReason: to.kind === 'LOST' ? reason : null, updatedAt: now });
  if (moved !== true) {
    return { lead: null, ...(moved === false ? fail('INVALID_STATE', 'The lead changed meanwhile; try again', 'id') : fail('INVALID_STATE', 'This phone has another open lead; work that one', 'id')) };
  }
  const from = all.find((x) => x.id === lead.stageId);
  await repo.addEvent(s.db, { leadId: lead.id, kind: 'STAGE_CHANGED', actorId: actorOf(s), body: `${from?.name ?? '?'} → ${to.name}${to.kind === 'LOST' ? `: ${reason}` : ''}`, at: now });
  if (to.key === 'VISITED') await repo.markVisited(s.db, lead.id, now);
  await publishLeadChange(ctx, s.tenantId, lead);
  return { lead: await repo.findLead(s.db, lead.id), userErrors: [] };
}

export async function assignLead(ctx: SubgraphContext, s: RequestScope, id: string, assigneeId: string) {
  const lead = await visibleLead(s, id);
  if (!lead) return { lead: null, ...notFound() };
  const person = await assignable(ctx, s.tenantId, lead.libraryId, assigneeId);
  if (!person) return { lead: null, ...fail('NOT_ASSIGNABLE', 'Not a staff member of this lead’s branch', 'assigneeId') };
  if (lead.assigneeId === assigneeId) return { lead, userErrors: [] };
  const now = clock.now();
  const updated = await repo.updateLead(s.db, lead.id, { assigneeId, updatedAt: now });
  await repo.addEvent(s.db, { leadId: lead.id, kind: 'ASSIGNED', actorId: actorOf(s), body: `Assigned to ${person.name}`, at: now });
  await publishLeadChange(ctx, s.tenantId, lead);
  return { lead: updated, userErrors: [] };
}

export async function logActivity(s: RequestScope, id: string, kind: 'NOTE' | 'CALL' | 'MESSAGE' | 'VISIT', body: string) {
  const lead = await visibleLead(s, id);
  if (!lead) return { lead: null, ...notFound() };
  const text = body.trim();
  if (!text) return { lead: null, ...fail('INVALID_INPUT', 'Say what happened', 'body') };
  const now = clock.now();
  await repo.addEvent(s.db, { leadId: lead.id, kind, actorId: actorOf(s), body: text, at: now });
  // The first call, message or visit is the lead's first contact (the funnel's "within 24 h").
  if (kind === 'VISIT') await repo.markVisited(s.db, lead.id, now);
  else if (kind !== 'NOTE') await repo.setFirstContact(s.db, lead.id, now);
  return { lead: await repo.updateLead(s.db, lead.id, { updatedAt: now }), userErrors: [] };
}

export const listStages = (s: RequestScope) => repo.stages(s.db);

export function listLeads(s: RequestScope, args: ConnectionArgs, f: repo.LeadListFilter) {
  if ([f.libraryId, f.stageId, f.assigneeId].some((x) => x && !isUuid(x))) return paginate(args, async () => [] as LeadRow[]);
  return paginate(args, (take, keyset) => repo.listLeads(s.db, take, keyset, s.libraryIds, f), 'desc');
}

export function leadsInStage(s: RequestScope, stageId: string, libraryId: string | null | undefined, args: ConnectionArgs) {
  if (!isUuid(stageId) || (libraryId && !isUuid(libraryId))) return paginate(args, async () => [] as LeadRow[]);
  return paginate(args, (take, keyset) => repo.leadsInStage(s.db, take, keyset, s.libraryIds, stageId, libraryId ?? null));
}

const BOARD_MAX = 50;

/** Every stage with its count and first page: three statements however many leads. */
export async function board(s: RequestScope, libraryId: string | null | undefined, first: number | null | undefined) {
  const take = Math.max(0, Math.min(first ?? 10, BOARD_MAX));
  const lib = libraryId && isUuid(libraryId) ? libraryId : null;
  if (libraryId && !lib) return (await repo.stages(s.db)).map((stage) => ({ stage, count: 0, leads: emptyConnection<LeadRow>() }));
  const [stageRows, counts, heads] = await Promise.all([repo.stages(s.db), repo.countByStage(s.db, s.libraryIds, lib), repo.boardHeads(s.db, s.libraryIds, lib, take + 1)]);
  return stageRows.map((stage: StageRow) => {
    const rows = heads.filter((l) => l.stageId === stage.id);
    const page = rows.slice(0, take);
    const edges = page.map((node) => ({ node, cursor: cursorOf(node) }));
    return {
      stage,
      count: counts.get(stage.id) ?? 0,
      leads: { edges, pageInfo: { hasNextPage: rows.length > take, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null } },
    };
  });
}

