// Roles and the permissions they carry: derived in this one place, checked through `authorize`.
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
  'platform:tenants:read',
  'platform:tenants:write',
  'platform:users:read',
  'tenant:read',
  'tenant:libraries:read',
  'tenant:students:read',
  'tenant:payments:read',
  'tenant:notifications:read',
  'self:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TENANT_READ: Permission[] = ['tenant:read', 'tenant:libraries:read', 'tenant:students:read', 'tenant:payments:read', 'tenant:notifications:read'];

const GRANTS: Record<Role, readonly Permission[]> = {
  SUPER_ADMIN: ['platform:tenants:read', 'platform:tenants:write', 'platform:users:read', ...TENANT_READ, 'self:read'],
  ADMIN: ['platform:tenants:read', 'platform:tenants:write', 'platform:users:read', ...TENANT_READ, 'self:read'],
  SUPPORT: ['platform:tenants:read', 'platform:users:read', ...TENANT_READ, 'self:read'],
  OWNER: [...TENANT_READ, 'self:read'],
  MANAGER: [...TENANT_READ, 'self:read'],
  STAFF: ['tenant:read', 'tenant:libraries:read', 'tenant:students:read', 'self:read'],
  STUDENT: ['self:read', 'tenant:libraries:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
