// The only code that reads or writes engagement's leads, stages and timeline.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { ConstraintViolation, KEYSET_ORDER, KEYSET_ORDER_DESC, orViolation } from '@studyspot/runtime';

export type StageRow = NonNullable<Awaited<ReturnType<typeof findStage>>>;
export type LeadRow = NonNullable<Awaited<ReturnType<typeof findLead>>>;
export type EventRow = Awaited<ReturnType<typeof eventsOfLeads>>[number];
export type LeadSource = LeadRow['source'];
export type EventKind = EventRow['kind'];

export const findStage = (db: TenantPrisma, id: string) => db.leadStage.findUnique({ where: { id } });
export const stagesByIds = (db: TenantPrisma, ids: readonly string[]) => db.leadStage.findMany({ where: { id: { in: [...ids] } } });

/** The tenant's stages, left to right (the migration that made the table made the six defaults). */
export const stages = (db: TenantPrisma): Promise<StageRow[]> => db.leadStage.findMany({ orderBy: { position: 'asc' } });

export const findLead = (db: TenantPrisma, id: string) => db.lead.findUnique({ where: { id } });
export const leadsByIds = (db: TenantPrisma, ids: readonly string[]) => db.lead.findMany({ where: { id: { in: [...ids] } } });

export interface NewLead {
  libraryId: string;
  stageId: string;
  name: string;
  phone: string;
  email: string | null;
  preferredShiftId: string | null;
  preferredStartDate: Date | null;
  message: string | null;
  source: LeadSource;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  /** Null: not asked (a merge keeps what the lead said before). */
  consent: boolean | null;
  assigneeId: string | null;
  createdById: string | null;
  /** The student whose referral code the lead gave (a merge keeps the first). */
  referrerStudentId: string | null;
}

/**
 * The open lead of the phone, made or merged into, in one statement (the partial unique index on
 * open phones decides under any concurrency): a merge counts the enquiry, fills what the lead lacked,
 * and records a newer consent answer. `created` says which.
 */
export async function upsertOpenLead(db: TenantPrisma, l: NewLead, now: Date): Promise<{ id: string; created: boolean }> {
  const rows = await db.$queryRaw<{ id: string; created: boolean }[]>`
    INSERT INTO leads (id, library_id, stage_id, name, phone, email, preferred_shift_id, preferred_start_date, message, source,
                       utm_source, utm_medium, utm_campaign, consent, consent_at, assignee_id, created_by_id, referrer_student_id, created_at, updated_at)
    VALUES (gen_random_uuid(), ${l.libraryId}::uuid, ${l.stageId}::uuid, ${l.name}, ${l.phone}, ${l.email}, ${l.preferredShiftId}::uuid,
            ${l.preferredStartDate}::date, ${l.message}, ${l.source}::"LeadSource", ${l.utmSource}, ${l.utmMedium}, ${l.utmCampaign},
            COALESCE(${l.consent}::boolean, false), ${now}, ${l.assigneeId}::uuid, ${l.createdById}::uuid, ${l.referrerStudentId}::uuid, ${now}, ${now})
    ON CONFLICT (phone) WHERE closed_at IS NULL DO UPDATE SET
      enquiries = leads.enquiries + 1,
      email = COALESCE(leads.email, EXCLUDED.email),
      referrer_student_id = COALESCE(leads.referrer_student_id, EXCLUDED.referrer_student_id),
      preferred_shift_id = COALESCE(EXCLUDED.preferred_shift_id, leads.preferred_shift_id),
      preferred_start_date = COALESCE(EXCLUDED.preferred_start_date, leads.preferred_start_date),
      consent = COALESCE(${l.consent}::boolean, leads.consent),
      consent_at = CASE WHEN ${l.consent}::boolean IS NULL THEN leads.consent_at ELSE EXCLUDED.consent_at END,
      updated_at = EXCLUDED.updated_at
    RETURNING id, (xmax = 0) AS created`;
  return rows[0]!;
}

export const updateLead = (db: TenantPrisma, id: string, data: TenantPrismaNs.LeadUncheckedUpdateInput) => db.lead.update({ where: { id }, data });

/**
 * Moves a lead not converted nor being converted from the stage it was read in; false when it changed
 * meanwhile; the violation when reopening it would make a second open lead of its phone.
 */
export async function moveUnlessConverted(db: TenantPrisma, id: string, fromStageId: string, data: { stageId: string; closedAt: Date | null; lostReason: string | null; updatedAt: Date }) {
  const done = await orViolation(db.lead.updateMany({ where: { id, stageId: fromStageId, convertedAt: null, conversionClaim: null }, data }));
  return done instanceof ConstraintViolation ? done : done.count === 1;
}

export const setFirstContact = (db: TenantPrisma, id: string, at: Date) => db.lead.updateMany({ where: { id, firstContactAt: null }, data: { firstContactAt: at } });

/** A visit: the first is recorded, and it is a first contact too when none came before. */
export const markVisited = (db: TenantPrisma, id: string, at: Date) =>
  db.$transaction([db.lead.updateMany({ where: { id, visitedAt: null }, data: { visitedAt: at } }), db.lead.updateMany({ where: { id, firstContactAt: null }, data: { firstContactAt: at } })]);

/** Open leads per assignee among these accounts (for assignment by fewest open leads). */
export async function openLeadCounts(db: TenantPrisma, assigneeIds: string[]): Promise<Map<string, number>> {
  const rows = await db.lead.groupBy({ by: ['assigneeId'], where: { assigneeId: { in: assigneeIds }, closedAt: null }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.assigneeId!, r._count._all]));
}

export interface LeadListFilter {
  libraryId?: string | null;
  stageId?: string | null;
  assigneeId?: string | null;
  source?: LeadSource | null;
  search?: string | null;
}

function leadWhere(scopeIds: string[] | null, f: LeadListFilter): TenantPrismaNs.LeadWhereInput {
  const search = f.search?.trim();
  const digits = search?.replace(/\D/g, '');
  return {
    AND: [
      scopeIds ? { libraryId: { in: scopeIds } } : {},
      f.libraryId ? { libraryId: f.libraryId } : {},
      f.stageId ? { stageId: f.stageId } : {},
      f.assigneeId ? { assigneeId: f.assigneeId } : {},
      f.source ? { source: f.source } : {},
      search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, ...(digits ? [{ phone: { contains: digits } }] : [])] } : {},
    ],
  };
}

/** A page of leads, newest first. */
export const listLeads = (db: TenantPrisma, take: number, keyset: object, scopeIds: string[] | null, f: LeadListFilter) =>
  db.lead.findMany({ where: { AND: [keyset, leadWhere(scopeIds, f)] }, orderBy: KEYSET_ORDER_DESC, take });

/** A page of one stage's leads, oldest first (a board column). */
export const leadsInStage = (db: TenantPrisma, take: number, keyset: object, scopeIds: string[] | null, stageId: string, libraryId: string | null) =>
  db.lead.findMany({ where: { AND: [keyset, leadWhere(scopeIds, { stageId, libraryId })] }, orderBy: KEYSET_ORDER, take });

/** Leads per stage: one statement for the whole board. */
export async function countByStage(db: TenantPrisma, scopeIds: string[] | null, libraryId: string | null): Promise<Map<string, number>> {
  const rows = await db.lead.groupBy({ by: ['stageId'], where: leadWhere(scopeIds, { libraryId }), _count: { _all: true } });
  return new Map(rows.map((r) => [r.stageId, r._count._all]));
}

/**
 * The first `take` leads of every stage, oldest first, in one statement: per stage an index scan of
 * (stage_id, created_at, id) that stops at `take`, so the board costs the same few statements, and
 * reads the same few rows, however many leads there are.
 */
export async function boardHeads(db: TenantPrisma, scopeIds: string[] | null, libraryId: string | null, take: number): Promise<LeadRow[]> {
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT l.id FROM lead_stages s CROSS JOIN LATERAL (
      SELECT id FROM leads
      WHERE stage_id = s.id AND (${scopeIds}::uuid[] IS NULL OR library_id = ANY(${scopeIds}::uuid[])) AND (${libraryId}::uuid IS NULL OR library_id = ${libraryId}::uuid)
      ORDER BY created_at, id LIMIT ${take}
    ) l`;
  return ids.length ? db.lead.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: KEYSET_ORDER }) : [];
}

export const addEvent = (db: TenantPrisma, e: { leadId: string; kind: EventKind; actorId: string | null; body?: string | null; at: Date }) =>
  db.leadEvent.create({ data: { leadId: e.leadId, kind: e.kind, actorId: e.actorId, body: e.body ?? null, at: e.at } });

/** The timelines of these leads, oldest first, at most 200 each. */
export const eventsOfLeads = (db: TenantPrisma, leadIds: readonly string[]) =>
  db.leadEvent.findMany({ where: { leadId: { in: [...leadIds] } }, orderBy: [{ at: 'asc' }, { seq: 'asc' }], take: 200 * leadIds.length });

/**
 * Claims the lead's conversion for `claim` when nobody holds it (or the holder's claim lapsed before
 * `staleBefore`); false when converted already or held.
 */
export async function claimConversion(db: TenantPrisma, id: string, claim: string, now: Date, staleBefore: Date): Promise<boolean> {
  const n = await db.lead.updateMany({
    where: { id, convertedAt: null, OR: [{ conversionClaim: null }, { conversionClaimAt: { lt: staleBefore } }] },
    data: { conversionClaim: claim, conversionClaimAt: now },
  });
  return n.count === 1;
}

export const releaseConversion = (db: TenantPrisma, id: string, claim: string) =>
  db.lead.updateMany({ where: { id, conversionClaim: claim }, data: { conversionClaim: null, conversionClaimAt: null } });

/** Records the conversion (the lead won, linked to its student) if `claim` still holds it, with its timeline entry, atomically. */
export async function completeConversion(db: TenantPrisma, id: string, claim: string, c: { studentId: string; allocationId: string | null; stageId: string; at: Date; actorId: string | null; body: string }) {
  return db.$transaction(async (tx) => {
    const n = await tx.lead.updateMany({
      where: { id, conversionClaim: claim, convertedAt: null },
      data: { studentId: c.studentId, allocationId: c.allocationId, stageId: c.stageId, closedAt: c.at, convertedAt: c.at, conversionClaim: null, conversionClaimAt: null, updatedAt: c.at },
    });
    if (n.count === 1) await tx.leadEvent.create({ data: { leadId: id, kind: 'CONVERTED', actorId: c.actorId, body: c.body, at: c.at } });
    return n.count === 1;
  });
}

/** A new OPEN stage at a position; the unique violation when the key exists. */
export const createStage = (db: TenantPrisma, s: { key: string; name: string; position: number }) => orViolation(db.leadStage.create({ data: { ...s, kind: 'OPEN' } }));
export const renameStage = (db: TenantPrisma, id: string, name: string) => db.leadStage.update({ where: { id }, data: { name } });
/** Spreads the stages' positions ten apart, in their order (room for a stage between any two). */
export const respaceStages = (db: TenantPrisma, ordered: StageRow[]) => db.$transaction(ordered.map((s, i) => db.leadStage.update({ where: { id: s.id }, data: { position: (i + 1) * 10 } })));
