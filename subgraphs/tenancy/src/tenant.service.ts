// Tenant lifecycle. Provisioning: a row in PROVISIONING, then the tenant's own database with every
// tenant migration, then ACTIVE; a failure leaves FAILED and the same call can be repeated.
import { provisionTenantDatabase, tenantDatabaseName, tenantTarget, type CorePrisma, type DatabaseServer } from '@studyspot/db';
import { AppError, badInput } from '@studyspot/runtime';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export interface ProvisionInput {
  slug: string;
  name: string;
}

export async function provisionTenant(core: CorePrisma, server: DatabaseServer, input: ProvisionInput, opts: { dbPrefix?: string } = {}) {
  if (!SLUG.test(input.slug)) throw badInput('slug must be 1-40 lowercase letters, digits or dashes', 'slug');
  if (!input.name.trim()) throw badInput('name is required', 'name');
  const dbName = tenantDatabaseName(input.slug, opts.dbPrefix);
  let tenant = await core.tenant.findUnique({ where: { slug: input.slug } });
  if (tenant && tenant.status !== 'FAILED' && tenant.status !== 'PROVISIONING') {
    throw new AppError('CONFLICT', `a tenant with slug "${input.slug}" already exists`, { field: 'slug' });
  }
  tenant ??= await core.tenant.create({ data: { slug: input.slug, name: input.name.trim(), dbName, status: 'PROVISIONING' } });
  try {
    await provisionTenantDatabase(tenantTarget(server, tenant));
  } catch (err) {
    await core.tenant.update({ where: { id: tenant.id }, data: { status: 'FAILED' } });
    throw err;
  }
  return core.tenant.update({ where: { id: tenant.id }, data: { status: 'ACTIVE' } });
}
