export * from './clients.ts';
export * from './databases.ts';
export * from './migrations.ts';
export * from './targets.ts';
export * from './tenant-clients.ts';
export { Prisma as CorePrismaNs } from '../core/generated/client.ts';
export { Prisma as TenantPrismaNs } from '../tenant/generated/client.ts';
export * from './data-dir-lock.ts';
