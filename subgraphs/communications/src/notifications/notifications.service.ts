// The notification log: one entry, a page, and the counts communications adds to Tenant.stats.
import { byIds, isUuid, paginate, type ConnectionArgs, type SubgraphContext } from '@studyspot/runtime';
import * as repo from './notifications.repository.ts';

export async function notificationById(ctx: SubgraphContext, id: string) {
  const tenantId = ctx.authorizeTenant('tenant:notifications:read');
  if (!isUuid(id)) return null;
  return ctx
    .loader<string, repo.NotificationRow | null>(`notification:${tenantId}`, async (ids) => byIds(ids, await repo.findNotificationsByIds(await ctx.tenantDb(tenantId), ids)))
    .load(id);
}

export async function listNotifications(ctx: SubgraphContext, args: ConnectionArgs) {
  const db = await ctx.tenantDb(ctx.authorizeTenant('tenant:notifications:read'));
  return paginate(args, (take, where) => repo.listNotifications(db, take, where));
}

export const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('tenantCounts', tenantId, repo.tenantCounts);
