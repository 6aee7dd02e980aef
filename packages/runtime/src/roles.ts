// Roles and the permissions they carry: derived in this one place. Every query and mutation names
// the permission it needs with @auth(requires: "…") (or is @public); see authorization.ts.
export const PLATFORM_ROLES = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const;
export const TENANT_ROLES = ['OWNER', 'MANAGER', 'STAFF'] as const;
export const ROLES = [...PLATFORM_ROLES, ...TENANT_ROLES, 'STUDENT'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPlatformRole(role: Role): boolean {
  return (PLATFORM_ROLES as readonly string[]).includes(role);
}

export const PERMISSIONS = [
  /** See any tenant, list tenants. */
  'platform:tenants:read',
  /** Create, suspend, reactivate, delete and restore tenants. */
  'platform:tenants:write',
  /** Drop a deleted tenant's database for good. */
  'platform:tenants:purge',
  /** Register the PostgreSQL servers tenants are placed on, and open, drain or close them. */
  'platform:servers:write',
  /** See plans, every tenant's subscription and wallet, the credits ledger and SaaS analytics. */
  'platform:billing:read',
  /** Manage plans, buy credits wholesale, grant credits, change tenants' subscriptions. */
  'platform:billing:write',
  /** Work the platform's support queue (tenants' tickets to StudySpot). */
  'platform:support',
  /** Read accounts (platform roles: all; tenant roles: their tenant's). */
  'users:read',
  /** Create and manage accounts, within the limits of `canManageRole`. */
  'users:write',
  /** Read the audit log (platform admins: all; owners: their tenant's). */
  'audit:read',
  /** Read the tenant's profile and stats. */
  'tenant:read',
  /** Edit the tenant's profile (name, contact, GSTIN). */
  'tenant:settings:write',
  'tenant:libraries:read',
  /** Create and edit libraries, seats and shifts. */
  'tenant:libraries:write',
  'tenant:students:read',
  /** Create, edit, import, suspend students. */
  'tenant:students:write',
  /** Seat allocations, seat maps and the waitlist. */
  'tenant:allocations:read',
  'tenant:allocations:write',
  /** Attendance history and occupancy. */
  'tenant:attendance:read',
  /** Mark attendance by hand, show kiosk QR codes. */
  'tenant:attendance:write',
  /** Tenant analytics (students, churn, utilisation). */
  'tenant:analytics:read',
  /** A student's own seat, waitlist place and check-in. */
  'student:self',
  /** Payments, receipts and refunds of the tenant. */
  'tenant:payments:read',
  /** Record offline payments and open online payment orders for students. */
  'tenant:payments:write',
  /** Refund payments. */
  'tenant:payments:refund',
  /** Students' dues (the defaulters list). */
  'tenant:dues:read',
  /** Discounts and waivers on dues. */
  'tenant:dues:write',
  /** Payment gateway accounts, late-fee rules. */
  'tenant:billing:settings',
  'tenant:notifications:read',
  /** Admissions: enquiries, leads, the board, follow-ups. */
  'tenant:leads:read',
  /** Work leads: add, move, assign, note, schedule follow-ups, convert to students. */
  'tenant:leads:write',
  /** The help desk: tickets, their conversation and internal notes, rules, SLAs, the report. */
  'tenant:tickets:read',
  /** Work tickets: raise for a student, reply, note, assign, claim, escalate, resolve. */
  'tenant:tickets:write',
  /** Read and act on one's own account and session. */
  'self:read',
  'self:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

const SELF: Permission[] = ['self:read', 'self:write'];
const TENANT_READ: Permission[] = [
  'tenant:read',
  'tenant:libraries:read',
  'tenant:students:read',
  'tenant:payments:read',
  'tenant:dues:read',
  'tenant:notifications:read',
  'tenant:allocations:read',
  'tenant:attendance:read',
  'tenant:analytics:read',
  'tenant:leads:read',
  'tenant:tickets:read',
];
// The front desk also takes fees (records payments, opens payment orders) and sees dues and payments.
const FRONT_DESK: Permission[] = ['tenant:students:write', 'tenant:allocations:write', 'tenant:attendance:write', 'tenant:payments:write', 'tenant:leads:write', 'tenant:tickets:write'];
// Money decisions: refunds, discounts and waivers.
const MONEY: Permission[] = ['tenant:payments:refund', 'tenant:dues:write'];

const GRANTS: Record<Role, readonly Permission[]> = {
  SUPER_ADMIN: PERMISSIONS.filter((p) => p !== 'student:self'),
  ADMIN: ['platform:tenants:read', 'platform:tenants:write', 'platform:billing:read', 'platform:billing:write', 'platform:support', 'users:read', 'users:write', 'audit:read', ...TENANT_READ, 'tenant:settings:write', 'tenant:libraries:write', ...FRONT_DESK, ...MONEY, 'tenant:billing:settings', ...SELF],
  SUPPORT: ['platform:tenants:read', 'platform:billing:read', 'platform:support', 'users:read', ...TENANT_READ, ...SELF],
  OWNER: ['users:read', 'users:write', 'audit:read', ...TENANT_READ, 'tenant:settings:write', 'tenant:libraries:write', ...FRONT_DESK, ...MONEY, 'tenant:billing:settings', ...SELF],
  MANAGER: ['users:read', ...TENANT_READ, 'tenant:libraries:write', ...FRONT_DESK, ...MONEY, ...SELF],
  STAFF: ['tenant:read', 'tenant:libraries:read', 'tenant:students:read', 'tenant:allocations:read', 'tenant:attendance:read', 'tenant:dues:read', 'tenant:payments:read', 'tenant:leads:read', 'tenant:tickets:read', ...FRONT_DESK, ...SELF],
  STUDENT: ['tenant:libraries:read', 'student:self', ...SELF],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Which roles an account with `actor` role may create, edit or deactivate. */
export function canManageRole(actor: Role, target: Role): boolean {
  switch (actor) {
    case 'SUPER_ADMIN':
      return true;
    case 'ADMIN':
      return target !== 'SUPER_ADMIN' && target !== 'ADMIN';
    case 'OWNER':
      return target === 'MANAGER' || target === 'STAFF';
    default:
      return false;
  }
}

/** Roles whose accounts may be limited to some branches (their token's libraryIds). */
export const isBranchRole = (role: Role): boolean => role === 'MANAGER' || role === 'STAFF';

/**
 * The branches a caller is limited to, or null for every branch: the one branch-limit rule. Managers
 * and staff with libraryIds are limited; everyone else (and a manager without any) is not.
 */
export function branchLimits(claims: { role: Role; libraryIds?: string[] | null } | null): string[] | null {
  return claims && isBranchRole(claims.role) && claims.libraryIds?.length ? claims.libraryIds : null;
}

/**
 * The tenant a caller works in: a tenant role's own (whatever it asks for), the one a platform role
 * chose (X-Tenant-Id over HTTP, connection_init's tenantId on a live socket), or none.
 */
export function actingTenant(claims: { role: Role; tenantId: string | null }, chosen: string | null): string | null {
  return isPlatformRole(claims.role) ? chosen : claims.tenantId;
}
