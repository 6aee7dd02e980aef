// Plans (platform admins): versioned — a revision writes a new version and subscribers move to it at
// their next renewal; archived, never deleted (a trigger refuses deletes).
import type { CorePrisma } from '@studyspot/db';
import { clock, isUuid, type SubgraphContext } from '@studyspot/runtime';
import type { Cycle } from './periods.ts';
import * as repo from './platform.repository.ts';
import { platformFail as err, type PlatformUserError as Err } from '../errors.ts';


export interface LimitsInput {
  libraries?: number | null;
  seats?: number | null;
  students?: number | null;
  staff?: number | null;
}

export interface PlanInput {
  code: string;
  name: string;
  pricePaise: number;
  cycle: Cycle;
  trialDays: number;
  limits?: LimitsInput | null;
  includedCredits?: number | null;
  features?: string[] | null;
}

/** A revision names only what changes; an omitted or null field keeps the plan's current value. */
export type PlanRevision = { [K in Exclude<keyof PlanInput, 'code'>]?: PlanInput[K] | null };

const CODE = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const MAX_PRICE = 100_000_000; // ₹10 lakh per cycle

function problems(p: PlanRevision): { userErrors: Err[] } | null {
  if (p.name !== undefined && !p.name?.trim()) return err('INVALID_INPUT', 'name is required', 'input', 'name');
  if (p.pricePaise != null && (!Number.isInteger(p.pricePaise) || p.pricePaise < 0 || p.pricePaise > MAX_PRICE)) return err('INVALID_INPUT', `pricePaise must be a whole number from 0 to ${MAX_PRICE}`, 'input', 'pricePaise');
  if (p.trialDays != null && (!Number.isInteger(p.trialDays) || p.trialDays < 0 || p.trialDays > 90)) return err('INVALID_INPUT', 'trialDays must be 0 to 90', 'input', 'trialDays');
  if (p.includedCredits != null && (!Number.isInteger(p.includedCredits) || p.includedCredits < 0 || p.includedCredits > 10_000_000)) return err('INVALID_INPUT', 'includedCredits must be 0 to 10000000', 'input', 'includedCredits');
  for (const [k, v] of Object.entries(p.limits ?? {})) {
    if (v != null && (!Number.isInteger(v) || v < 0 || v > 10_000_000)) return err('INVALID_INPUT', `limits.${k} must be 0 to 10000000, or null for no limit`, 'input', 'limits', k);
  }
  if (p.features && (p.features.length > 30 || p.features.some((f) => !f.trim() || f.length > 60))) return err('INVALID_INPUT', 'At most 30 features of at most 60 characters', 'input', 'features');
  return null;
}

const versionData = (p: PlanInput) => ({
  pricePaise: p.pricePaise,
  cycle: p.cycle,
  trialDays: p.trialDays,
  maxLibraries: p.limits?.libraries ?? null,
  maxSeats: p.limits?.seats ?? null,
  maxStudents: p.limits?.students ?? null,
  maxStaff: p.limits?.staff ?? null,
  includedCredits: p.includedCredits ?? 0,
  features: (p.features ?? []).map((f) => f.trim()),
});

/** The plan with its newest version (what new subscribers get). */
export async function planWithLatest(core: CorePrisma, id: string) {
  if (!isUuid(id)) return null;
  return repo.planWithLatest(core, id);
}

export async function createPlan(ctx: SubgraphContext, input: PlanInput) {
  const code = input.code.trim().toLowerCase();
  if (!CODE.test(code)) return err('INVALID_INPUT', 'code: lowercase letters, digits and dashes, at most 40', 'input', 'code');
  const bad = problems(input);
  if (bad) return bad;
  if (await repo.planByCode(ctx.core, code)) return err('DUPLICATE', `A plan with code "${code}" exists`, 'input', 'code');
  const plan = await repo.createPlan(ctx.core, code, input.name.trim(), versionData(input));
  await ctx.audit({ action: 'plan.create', targetType: 'Plan', targetId: plan.id, details: { code, pricePaise: input.pricePaise, cycle: input.cycle } });
  return { plan: await planWithLatest(ctx.core, plan.id), userErrors: [] };
}

export async function revisePlan(ctx: SubgraphContext, id: string, input: PlanRevision) {
  const plan = await planWithLatest(ctx.core, id);
  if (!plan) return err('NOT_FOUND', 'No such plan', 'id');
  if (plan.archivedAt) return err('INVALID_STATE', 'The plan is archived');
  const bad = problems(input);
  if (bad) return bad;
  const cur = plan.versions[0]!;
  const next: PlanInput = {
    code: plan.code,
    name: input.name?.trim() ?? plan.name,
    pricePaise: input.pricePaise ?? cur.pricePaise,
    cycle: input.cycle ?? cur.cycle,
    trialDays: input.trialDays ?? cur.trialDays,
    limits: input.limits ?? { libraries: cur.maxLibraries, seats: cur.maxSeats, students: cur.maxStudents, staff: cur.maxStaff },
    includedCredits: input.includedCredits ?? cur.includedCredits,
    features: input.features ?? cur.features,
  };
  await repo.revisePlan(ctx.core, id, next.name, cur.version + 1, versionData(next));
  await ctx.audit({ action: 'plan.revise', targetType: 'Plan', targetId: id, details: { version: cur.version + 1, changes: input } });
  return { plan: await planWithLatest(ctx.core, id), userErrors: [] };
}

export async function archivePlan(ctx: SubgraphContext, id: string) {
  const plan = await planWithLatest(ctx.core, id);
  if (!plan) return err('NOT_FOUND', 'No such plan', 'id');
  if (!plan.archivedAt) {
    await repo.archivePlan(ctx.core, id, clock.now());
    await ctx.audit({ action: 'plan.archive', targetType: 'Plan', targetId: id });
  }
  return { plan: await planWithLatest(ctx.core, id), userErrors: [] };
}

export const listPlans = (core: CorePrisma, includeArchived: boolean) => repo.listPlans(core, includeArchived);
