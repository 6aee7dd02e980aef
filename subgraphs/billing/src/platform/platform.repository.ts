// Entity references of platform billing, read by id lists (one statement per list).
import type { CorePrisma } from '@studyspot/db';

export const plansByIds = (core: CorePrisma, ids: readonly string[]) =>
  core.plan.findMany({ where: { id: { in: [...ids] } }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } });

export const subscriptionsByIds = (core: CorePrisma, ids: readonly string[]) =>
  core.tenantSubscription.findMany({ where: { id: { in: [...ids] } }, include: { planVersion: { include: { plan: true } } } });

export const invoicesByIds = (core: CorePrisma, ids: readonly string[]) => core.platformInvoice.findMany({ where: { id: { in: [...ids] } } });
