// Account administration (the earlier attempt's /admin/users as GraphQL). Who may manage whom comes
// from `canManageRole`; tenant roles only ever see and touch their own tenant's accounts.
import { byIds, canManageRole, isPlatformRole, isBranchRole, isUuid, isEmail, normalizeIndianMobile, paginate, ports, isViolation, type ConnectionArgs, type ConstraintViolation, type Role, type SubgraphContext } from '@studyspot/runtime';
import { generatePassword, hashPassword, passwordProblem } from '@studyspot/runtime/security';
import { accountLockKey } from '../auth/auth.service.ts';
import { revokeSessions } from '../auth/sessions.service.ts';
import { failed, userError, type IdentityUserError } from '../errors.ts';
import * as repo from './users.repository.ts';
import type { UserChanges, UserRow } from './users.repository.ts';

/** The tenant whose accounts the caller may see: null means every tenant (platform roles). */
export function visibleTenant(ctx: SubgraphContext): string | null {
  const claims = ctx.claims!;
  return isPlatformRole(claims.role) ? null : claims.tenantId;
}

export async function findVisibleUser(ctx: SubgraphContext, id: string): Promise<UserRow | null> {
  if (!isUuid(id)) return null;
  const [user] = await repo.findUsersByIds(ctx.core, [id]);
  if (!user) return null;
  const scope = visibleTenant(ctx);
  return scope === null || user.tenantId === scope ? user : null;
}

type Payload = { user?: UserRow; initialPassword?: string; userErrors: IdentityUserError[] };

/** Loads an account the caller may manage, or says why not. */
async function manageable(ctx: SubgraphContext, id: string): Promise<UserRow | IdentityUserError> {
  const user = await findVisibleUser(ctx, id);
  if (!user) return userError('NOT_FOUND', 'No such account');
  if (!canManageRole(ctx.claims!.role, user.role)) return userError('NOT_ALLOWED', `You may not manage ${user.role} accounts`);
  return user;
}

const isError = (x: UserRow | IdentityUserError): x is IdentityUserError => 'code' in x;

/** The user error for an account write that broke a unique constraint (phone within a tenant, or email). */
const taken = (v: ConstraintViolation) =>
  v.on('phone') ? userError('PHONE_TAKEN', 'Another account of this tenant has that phone', 'phone') : userError('EMAIL_TAKEN', 'Another account has that email', 'email');

export interface CreateUserInput {
  name: string;
  role: Role;
  email?: string | null;
  phone?: string | null;
  tenantId?: string | null;
  libraryIds?: string[] | null;
  password?: string | null;
}

/**
 * Branch limits name libraries of the account's own tenant: an id of another tenant's library, or one
 * that names nothing, is NOT_FOUND (exactly like a missing one, so it reveals nothing).
 */
async function branchProblem(ctx: SubgraphContext, role: Role, tenantId: string | null, libraryIds: string[]): Promise<IdentityUserError | null> {
  if (!libraryIds.length) return null;
  if (!isBranchRole(role)) return userError('INVALID_INPUT', 'Only managers and staff are limited to branches', 'libraryIds');
  const ids = [...new Set(libraryIds)];
  const known = tenantId && ids.every(isUuid) && (await ctx.platform.tenants.withTenant(tenantId, (db) => ports.campus.librariesExist(db, ids), { allowSuspended: true }));
  return known ? null : userError('NOT_FOUND', 'No such library in this tenant', 'libraryIds');
}

export async function createUser(ctx: SubgraphContext, input: CreateUserInput): Promise<Payload> {
  const actor = ctx.claims!;
  if (!canManageRole(actor.role, input.role)) return failed(userError('NOT_ALLOWED', `You may not create ${input.role} accounts`, 'role'));
  const name = input.name.trim();
  if (!name) return failed(userError('INVALID_INPUT', 'Name is required', 'name'));

  let tenantId: string | null = null;
  if (isPlatformRole(input.role)) {
    if (input.tenantId) return failed(userError('INVALID_INPUT', 'Platform accounts belong to no tenant', 'tenantId'));
  } else {
    tenantId = input.tenantId ?? actor.tenantId;
    if (!tenantId) return failed(userError('INVALID_INPUT', 'tenantId is required for tenant accounts', 'tenantId'));
    if (!isPlatformRole(actor.role) && tenantId !== actor.tenantId) return failed(userError('NOT_ALLOWED', 'You may only create accounts of your own tenant', 'tenantId'));
    const status = isUuid(tenantId) ? await ports.tenants.status(ctx.core, tenantId) : null;
    if (!status || status === 'DELETED') return failed(userError('INVALID_INPUT', 'No such tenant', 'tenantId'));
  }

  const libraryIds = input.libraryIds ?? [];
  const branches = await branchProblem(ctx, input.role, tenantId, libraryIds);
  if (branches) return failed(branches);
  if (tenantId && isBranchRole(input.role)) {
    const breach = await ports.billing.checkPlanLimit(ctx.core, tenantId, 'staff', 1, () => repo.countStaff(ctx.core, tenantId!));
    if (breach) return failed(userError('PLAN_LIMIT_REACHED', breach.message, 'role'));
  }

  let phone: string | null = null;
  if (input.phone) {
    phone = normalizeIndianMobile(input.phone);
    if (!phone) return failed(userError('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone'));
  }
  const email = input.email?.trim().toLowerCase() || null;
  let passwordHash: string | null = null;
  let initialPassword: string | undefined;
  if (input.role === 'STUDENT') {
    if (!phone) return failed(userError('INVALID_INPUT', 'Students sign in by phone: phone is required', 'phone'));
  } else {
    if (!email || !isEmail(email)) return failed(userError('INVALID_INPUT', 'A valid email is required', 'email'));
    const password = input.password ?? (initialPassword = generatePassword());
    const problem = passwordProblem(password, { email, name });
    if (problem) return failed(userError('WEAK_PASSWORD', problem, 'password'));
    passwordHash = await hashPassword(password);
  }

  const user = await repo.createUser(ctx.core, { name, role: input.role, email, phone, tenantId, libraryIds, passwordHash });
  if (isViolation(user)) return failed(taken(user));
  await ctx.audit({ action: 'user.create', tenantId, targetType: 'User', targetId: user.id, details: { role: user.role } });
  return { user, ...(initialPassword ? { initialPassword } : {}), userErrors: [] };
}

export async function updateUser(ctx: SubgraphContext, id: string, input: { name?: string | null; role?: Role | null; phone?: string | null; libraryIds?: string[] | null }): Promise<Payload> {
  const target = await manageable(ctx, id);
  if (isError(target)) return failed(target);
  const data: UserChanges = {};
  if (input.name != null) {
    if (!input.name.trim()) return failed(userError('INVALID_INPUT', 'Name is required', 'name'));
    data.name = input.name.trim();
  }
  if (input.role != null && input.role !== target.role) {
    if (target.id === ctx.claims!.sub) return failed(userError('NOT_ALLOWED', 'You may not change your own role', 'role'));
    if (!canManageRole(ctx.claims!.role, input.role)) return failed(userError('NOT_ALLOWED', `You may not give the ${input.role} role`, 'role'));
    if (isPlatformRole(input.role) !== isPlatformRole(target.role) || (input.role === 'STUDENT') !== (target.role === 'STUDENT')) {
      return failed(userError('INVALID_INPUT', 'An account cannot move between platform, staff and student roles', 'role'));
    }
    data.role = input.role;
  }
  if (input.phone !== undefined) {
    const phone = input.phone ? normalizeIndianMobile(input.phone) : null;
    if (input.phone && !phone) return failed(userError('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone'));
    data.phone = phone;
  }
  if (input.libraryIds != null) {
    const branches = await branchProblem(ctx, data.role ?? target.role, target.tenantId, input.libraryIds);
    if (branches) return failed(branches);
    data.libraryIds = input.libraryIds;
  }
  const user = await repo.updateUser(ctx.core, target.id, data);
  if (isViolation(user)) return failed(taken(user));
  {
    await ctx.audit({ action: 'user.update', tenantId: user.tenantId, targetType: 'User', targetId: user.id, details: { fields: Object.keys(data) } });
    if (data.role) {
      await ctx.audit({ action: 'user.role.change', tenantId: user.tenantId, targetType: 'User', targetId: user.id, details: { from: target.role, to: data.role } });
      // Tokens carry the role: make the account sign in again to pick up the new one.
      await revokeSessions(ctx, { userId: user.id }, 'ROLE_CHANGED');
    }
    return { user, userErrors: [] };
  }
}

export async function setActive(ctx: SubgraphContext, id: string, active: boolean): Promise<Payload> {
  const target = await manageable(ctx, id);
  if (isError(target)) return failed(target);
  if (target.id === ctx.claims!.sub) return failed(userError('NOT_ALLOWED', 'You may not deactivate yourself'));
  const user = await repo.setActive(ctx.core, target.id, active);
  if (!active) await revokeSessions(ctx, { userId: user.id }, 'DEACTIVATED');
  await ctx.audit({ action: active ? 'user.reactivate' : 'user.deactivate', tenantId: user.tenantId, targetType: 'User', targetId: user.id });
  return { user, userErrors: [] };
}

export async function setPassword(ctx: SubgraphContext, id: string, password: string | null | undefined): Promise<Payload> {
  const target = await manageable(ctx, id);
  if (isError(target)) return failed(target);
  if (target.role === 'STUDENT') return failed(userError('INVALID_INPUT', 'Students sign in by phone and have no password'));
  const initialPassword = password ? undefined : generatePassword();
  const chosen = password ?? initialPassword!;
  const problem = passwordProblem(chosen, target);
  if (problem) return failed(userError('WEAK_PASSWORD', problem, 'password'));
  const user = await repo.setPasswordHash(ctx.core, target.id, await hashPassword(chosen), true);
  await revokeSessions(ctx, { userId: user.id }, 'PASSWORD_RESET');
  if (user.email) await ctx.platform.rateLimiter.reset(accountLockKey(user.email));
  await ctx.audit({ action: 'user.password.reset', tenantId: user.tenantId, targetType: 'User', targetId: user.id });
  return { user, ...(initialPassword ? { initialPassword } : {}), userErrors: [] };
}

/** Accounts by id, batched per request. */
export function userLoader(ctx: SubgraphContext) {
  return ctx.loader<string, UserRow | null>('user', async (ids) => byIds(ids, await repo.findUsersByIds(ctx.core, ids)));
}

/** An account the caller may see: platform roles see every account; others their own and, staff, their tenant's. */
export async function visibleById(ctx: SubgraphContext, id: string): Promise<UserRow | null> {
  if (!isUuid(id) || !ctx.claims) return null;
  const user = await userLoader(ctx).load(id);
  if (!user) return null;
  if (user.id === ctx.claims.sub || isPlatformRole(ctx.claims.role)) return user;
  return ctx.claims.role !== 'STUDENT' && user.tenantId === ctx.claims.tenantId ? user : null;
}

export function listUsers(ctx: SubgraphContext, args: ConnectionArgs & { filter?: repo.UserListFilter | null }) {
  const scope = visibleTenant(ctx);
  const filter = { ...args.filter, ...(scope ? { tenantId: scope } : {}) };
  return paginate(args, (take, where) => repo.listUsers(ctx.core, take, where, filter));
}

export function openSessions(ctx: SubgraphContext, userId: string): Promise<number> {
  return ctx
    .loader<string, number>('openSessions', async (ids) => {
      const m = await repo.countOpenSessions(ctx.core, ids);
      return ids.map((id) => m.get(id) ?? 0);
    })
    .load(userId);
}

/** Active staff and student accounts of a tenant (TenantStats), batched per request. */
export function accountCounts(ctx: SubgraphContext, tenantId: string) {
  return ctx
    .loader<string, { staffAccounts: number; studentAccounts: number }>('accountCounts', async (ids) => {
      const m = await repo.countAccountsByTenant(ctx.core, ids);
      return ids.map((id) => m.get(id)!);
    })
    .load(tenantId);
}
