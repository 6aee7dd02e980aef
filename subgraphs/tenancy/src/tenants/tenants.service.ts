// Tenant lifecycle. Provisioning: a row in PROVISIONING (with its owner's account), then the tenant's
// own database with every tenant migration, then ACTIVE; a failure leaves FAILED with the reason and
// retryTenantProvisioning repeats it. Deletion is soft; purge drops the database after a grace period.
import {
  describeTarget,
  dropDatabase,
  latestMigration,
  provisionTenantDatabase,
  schemaLocation,
  tenantDatabaseName,
  tenantAdminTarget,
  tenantTarget,
  type CorePrisma,
  type DatabaseServer,
  type TenantDatabaseRef,
} from '@studyspot/db';
import { byIds, clock, gstinProblem, INDIAN_STATES, isEmail, isPlatformRole, isUuid, isViolation, normalizeIndianMobile, paginate, topics, type ConnectionArgs, type SubgraphContext } from '@studyspot/runtime';
import { generatePassword, hashPassword, passwordProblem } from '@studyspot/runtime/security';
import { isUserError as isError, tenancyError, type TenancyUserError } from '../errors.ts';
import { serverHost } from '../placement/placement.service.ts';
import * as repo from './tenants.repository.ts';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** An error about a field of the mutation's `input`. */
const err = (code: TenancyUserError['code'], message: string, ...field: string[]) => tenancyError(code, message, ...(field.length ? ['input', ...field] : []));

export interface ProfileInput {
  name?: string | null;
  legalName?: string | null;
  gstin?: string | null;
  state?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
}

type Profile = { name?: string; legalName?: string | null; gstin?: string | null; state?: string | null; contactEmail?: string | null; contactPhone?: string | null };

/** Validates and normalizes profile fields; absent fields are left out. */
function profile(input: ProfileInput, current?: { gstin: string | null; state: string | null }): Profile | TenancyUserError {
  const out: Profile = {};
  if (input.name !== undefined && input.name !== null) {
    if (!input.name.trim()) return err('INVALID_INPUT', 'Name is required', 'name');
    out.name = input.name.trim();
  }
  if (input.legalName !== undefined) out.legalName = input.legalName?.trim() || null;
  if (input.gstin !== undefined) {
    const g = input.gstin?.trim().toUpperCase() || null;
    out.gstin = g;
  }
  if (input.state !== undefined) {
    const st = input.state?.trim().toUpperCase() || null;
    if (st && !INDIAN_STATES.has(st)) return err('INVALID_INPUT', 'state must be a two-letter state or UT code, e.g. MH', 'state');
    out.state = st;
  }
  // The GSTIN against the state it will stand beside (this input's, or the tenant's as it is).
  const gstin = out.gstin !== undefined ? out.gstin : current?.gstin;
  if (gstin && (out.gstin !== undefined || out.state !== undefined)) {
    const problem = gstinProblem(gstin, out.state !== undefined ? out.state : (current?.state ?? null));
    if (problem) return err('INVALID_INPUT', problem, out.gstin !== undefined ? 'gstin' : 'state');
  }
  if (input.contactEmail !== undefined) {
    const e = input.contactEmail?.trim().toLowerCase() || null;
    if (e && !isEmail(e)) return err('INVALID_INPUT', 'contactEmail is not an email address', 'contactEmail');
    out.contactEmail = e;
  }
  if (input.contactPhone !== undefined) {
    const p = input.contactPhone ? normalizeIndianMobile(input.contactPhone) : null;
    if (input.contactPhone && !p) return err('INVALID_INPUT', 'contactPhone must be a 10-digit Indian mobile number', 'contactPhone');
    out.contactPhone = p;
  }
  return out;
}

/** Creates the tenant's database and applies its migrations; FAILED with the reason when that fails. */
export async function provisionDatabase(core: CorePrisma, server: DatabaseServer, tenant: { id: string } & TenantDatabaseRef) {
  try {
    await provisionTenantDatabase(tenantAdminTarget(server, tenant));
  } catch (e) {
    // The schema engine's message is a summary line, the database's own error, then a backtrace.
    const lines = (e as Error).message.split('\n');
    const end = lines.findIndex((l) => /^\s+\d+: /.test(l));
    const reason = lines.slice(0, end === -1 ? 2 : end).map((l) => l.trim()).filter(Boolean).join(': ').slice(0, 500);
    return repo.updateTenant(core, tenant.id, { status: 'FAILED', failureReason: reason });
  }
  return repo.updateTenant(core, tenant.id, { status: 'ACTIVE', failureReason: null, schemaVersion: await latestMigration(schemaLocation('tenant')) });
}

export interface OwnerInput {
  name: string;
  email: string;
  phone?: string | null;
  password?: string | null;
}

export interface CreateTenantInput extends ProfileInput {
  name: string;
  slug: string;
  owner: OwnerInput;
}

/** The whole of createTenant, usable without a request (the demo seed). */
export async function provisionTenant(core: CorePrisma, server: DatabaseServer, input: CreateTenantInput, opts: { dbPrefix?: string } = {}) {
  const slug = input.slug.trim().toLowerCase();
  if (!SLUG.test(slug)) return { userErrors: [err('INVALID_INPUT', 'slug must be 1-40 lowercase letters, digits or dashes', 'slug')] };
  const p = profile(input);
  if (isError(p)) return { userErrors: [p] };
  const ownerEmail = input.owner.email.trim().toLowerCase();
  if (!isEmail(ownerEmail)) return { userErrors: [err('INVALID_INPUT', 'Owner email is not an email address', 'owner', 'email')] };
  if (!input.owner.name.trim()) return { userErrors: [err('INVALID_INPUT', 'Owner name is required', 'owner', 'name')] };
  const ownerPhone = input.owner.phone ? normalizeIndianMobile(input.owner.phone) : null;
  if (input.owner.phone && !ownerPhone) return { userErrors: [err('INVALID_INPUT', 'Owner phone must be a 10-digit Indian mobile number', 'owner', 'phone')] };
  const ownerInitialPassword = input.owner.password ? undefined : generatePassword();
  const password = input.owner.password ?? ownerInitialPassword!;
  const problem = passwordProblem(password, { email: ownerEmail, name: input.owner.name });
  if (problem) return { userErrors: [err('INVALID_INPUT', problem, 'owner', 'password')] };

  const created = await repo.createTenantWithOwner(core, {
    tenant: { ...p, name: p.name ?? input.name.trim(), slug, dbName: tenantDatabaseName(slug, opts.dbPrefix) },
    owner: { name: input.owner.name.trim(), email: ownerEmail, phone: ownerPhone, passwordHash: await hashPassword(password) },
  });
  if ('full' in created) return { userErrors: [err('NO_DATABASE_SERVER', 'No open database server has room for another tenant; a platform admin can register one or raise a capacity')] };
  if (isViolation(created)) {
    if (created.on('email')) return { userErrors: [err('EMAIL_TAKEN', 'Another account has the owner email', 'owner', 'email')] };
    return { userErrors: [err('SLUG_TAKEN', `A tenant with slug "${slug}" already exists`, 'slug')] };
  }
  const tenant = await provisionDatabase(core, server, created.tenant);
  const userErrors = tenant.status === 'FAILED' ? [err('PROVISIONING_FAILED', `Creating the tenant's database failed: ${tenant.failureReason}`)] : [];
  return { tenant, ownerId: created.ownerId, ...(ownerInitialPassword ? { ownerInitialPassword } : {}), userErrors };
}

export async function createTenant(ctx: SubgraphContext, input: CreateTenantInput) {
  const { config } = ctx.platform;
  const result = await provisionTenant(ctx.core, config.database, input, { dbPrefix: config.tenantDatabasePrefix });
  if ('tenant' in result) {
    const { tenant } = result;
    await ctx.audit({
      action: tenant.status === 'ACTIVE' ? 'tenant.create' : 'tenant.provision.failed',
      tenantId: tenant.id,
      targetType: 'Tenant',
      targetId: tenant.id,
      details: { slug: tenant.slug, ...(tenant.failureReason ? { reason: tenant.failureReason } : {}) },
    });
  }
  return result;
}

async function load(ctx: SubgraphContext, id: string) {
  return isUuid(id) ? repo.findTenant(ctx.core, id) : null;
}

const notFound = { userErrors: [err('NOT_FOUND', 'No such tenant')] };
const wrongState = (message: string) => ({ userErrors: [err('INVALID_STATE', message)] });

async function transition(ctx: SubgraphContext, id: string, from: string[], data: repo.TenantChanges, action: string, details: Record<string, unknown> = {}) {
  const tenant = await load(ctx, id);
  if (!tenant) return notFound;
  if (!from.includes(tenant.status)) return wrongState(`Not possible while the tenant is ${tenant.status}`);
  // Conditional on the status read, so two admins acting at once cannot both succeed.
  if (!(await repo.updateIfStatus(ctx.core, id, tenant.status, data))) return wrongState('The tenant changed meanwhile; try again');
  ctx.platform.tenants.invalidate(id);
  // Every process drops the tenant's live sockets at once (gateway/src/live/).
  await ctx.events.publish(topics.tenants, { type: 'TENANT_STATUS_CHANGED', tenantId: id, status: data.status });
  await ctx.audit({ action, tenantId: id, targetType: 'Tenant', targetId: id, details: { from: tenant.status, ...details } });
  return { tenant: await load(ctx, id), userErrors: [] };
}

export const suspendTenant = (ctx: SubgraphContext, id: string, reason: string) =>
  reason.trim()
    ? transition(ctx, id, ['ACTIVE'], { status: 'SUSPENDED', suspendedAt: clock.now(), suspensionReason: reason.trim() }, 'tenant.suspend', { reason: reason.trim() })
    : Promise.resolve({ userErrors: [err('INVALID_INPUT', 'A reason is required', 'reason')] });

export const reactivateTenant = (ctx: SubgraphContext, id: string) =>
  transition(ctx, id, ['SUSPENDED'], { status: 'ACTIVE', suspendedAt: null, suspensionReason: null }, 'tenant.reactivate');

export const deleteTenant = (ctx: SubgraphContext, id: string) =>
  transition(ctx, id, ['ACTIVE', 'SUSPENDED', 'FAILED'], { status: 'DELETED', deletedAt: clock.now() }, 'tenant.delete');

export async function restoreTenant(ctx: SubgraphContext, id: string) {
  const tenant = await load(ctx, id);
  if (tenant?.purgedAt) return wrongState('The tenant was purged; its database is gone');
  return transition(ctx, id, ['DELETED'], { status: 'SUSPENDED', deletedAt: null, suspendedAt: clock.now(), suspensionReason: 'restored after deletion' }, 'tenant.restore');
}

export async function retryProvisioning(ctx: SubgraphContext, id: string) {
  const tenant = await load(ctx, id);
  if (!tenant) return notFound;
  if (tenant.status !== 'FAILED') return wrongState('Only a FAILED tenant can be provisioned again');
  if (!(await repo.updateIfStatus(ctx.core, id, 'FAILED', { status: 'PROVISIONING' }))) return wrongState('Provisioning is already being retried');
  const after = await provisionDatabase(ctx.core, ctx.platform.config.database, tenant);
  await ctx.audit({ action: after.status === 'ACTIVE' ? 'tenant.provision.retry' : 'tenant.provision.failed', tenantId: id, targetType: 'Tenant', targetId: id, details: after.failureReason ? { reason: after.failureReason } : {} });
  return { tenant: after, userErrors: after.status === 'FAILED' ? [err('PROVISIONING_FAILED', `Creating the tenant's database failed: ${after.failureReason}`)] : [] };
}

export async function purgeTenant(ctx: SubgraphContext, id: string) {
  const tenant = await load(ctx, id);
  if (!tenant) return notFound;
  if (tenant.status !== 'DELETED' || !tenant.deletedAt) return wrongState('Only a deleted tenant can be purged');
  if (tenant.purgedAt) return wrongState('Already purged');
  const graceMs = ctx.platform.config.tenantPurgeGraceDays * 86_400_000;
  if (tenant.deletedAt.getTime() + graceMs > clock.nowMs()) {
    return { userErrors: [err('GRACE_PERIOD', `Deleted tenants are kept ${ctx.platform.config.tenantPurgeGraceDays} days; purge after ${new Date(tenant.deletedAt.getTime() + graceMs).toISOString()}`)] };
  }
  const target = tenantTarget(ctx.platform.config.database, tenant);
  await ctx.platform.tenants.evictDatabase(target);
  await dropDatabase(tenantAdminTarget(ctx.platform.config.database, tenant));
  const purged = await repo.updateTenant(ctx.core, id, { purgedAt: clock.now() });
  await ctx.audit({ action: 'tenant.purge', tenantId: id, targetType: 'Tenant', targetId: id, details: { database: describeTarget(target) } });
  return { tenant: purged, userErrors: [] };
}

export async function updateTenant(ctx: SubgraphContext, id: string, input: ProfileInput) {
  const tenant = await load(ctx, id);
  if (!tenant || tenant.status === 'DELETED' || (!ctx.isPlatform && ctx.claims!.tenantId !== id)) return notFound;
  const p = profile(input, tenant);
  if (isError(p)) return { userErrors: [p] };
  const updated = await repo.updateTenant(ctx.core, id, p);
  await ctx.audit({ action: 'tenant.update', tenantId: id, targetType: 'Tenant', targetId: id, details: { fields: Object.keys(p) } });
  return { tenant: updated, userErrors: [] };
}

function tenantLoader(ctx: SubgraphContext) {
  return ctx.loader<string, repo.TenantRow | null>('tenant', async (ids) => byIds(ids, await repo.findTenantsByIds(ctx.core, ids)));
}

/** A tenant the caller may see; another tenant's id looks exactly like a missing one. */
export async function visibleTenant(ctx: SubgraphContext, id: string): Promise<repo.TenantRow | null> {
  const claims = ctx.claims;
  if (!claims || !isUuid(id)) return null;
  const platform = isPlatformRole(claims.role);
  if (!platform && claims.tenantId !== id) return null;
  const t = await tenantLoader(ctx).load(id);
  return t && (platform || t.status !== 'DELETED') ? t : null;
}

export const listTenants = (ctx: SubgraphContext, args: ConnectionArgs & { filter?: repo.TenantListFilter | null }) =>
  paginate(args, (take, where) => repo.listTenants(ctx.core, take, where, args.filter ?? {}));

/** Where the tenant's database is, for platform roles only. */
export function databaseOf(ctx: SubgraphContext, t: repo.TenantRow) {
  if (!ctx.isPlatform) return null;
  return { name: t.dbName, host: serverHost(ctx, t.server), purgedAt: t.purgedAt, serverId: t.serverId };
}
