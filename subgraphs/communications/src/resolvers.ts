import { byIds, isUuid, DateTimeScalar, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { findNotificationsByIds, listNotifications, tenantCounts, type NotificationRow } from './notification.repository.ts';


async function notificationById(ctx: SubgraphContext, id: string) {
  const tenantId = ctx.authorizeTenant('tenant:notifications:read');
  if (!isUuid(id)) return null;
  return ctx
    .loader<string, NotificationRow | null>(`notification:${tenantId}`, async (ids) =>
      byIds(ids, await findNotificationsByIds(await ctx.tenantDb(tenantId), ids)),
    )
    .load(id);
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    notification: (_p, args: { id: string }, ctx) => notificationById(ctx, args.id),
    notifications: async (_p, args: ConnectionArgs, ctx) => {
      const db = await ctx.tenantDb(ctx.authorizeTenant('tenant:notifications:read'));
      return paginate(args, (take, where) => listNotifications(db, take, where));
    },
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:notifications:read', ref.tenantId) }),
    notificationCount: async (s: { tenantId: string }, _a, ctx) => (await ctx.perTenant('tenantCounts', s.tenantId, tenantCounts)).notificationCount,
    smsSent: async (s: { tenantId: string }, _a, ctx) => (await ctx.perTenant('tenantCounts', s.tenantId, tenantCounts)).smsSent,
    smsDelivered: async (s: { tenantId: string }, _a, ctx) => (await ctx.perTenant('tenantCounts', s.tenantId, tenantCounts)).smsDelivered,
    smsCreditsUsed: async (s: { tenantId: string }, _a, ctx) => (await ctx.perTenant('tenantCounts', s.tenantId, tenantCounts)).smsCreditsUsed,
    campaignCount: async (s: { tenantId: string }, _a, ctx) => (await ctx.perTenant('tenantCounts', s.tenantId, tenantCounts)).campaignCount,
    unreadInAppCount: async (s: { tenantId: string }, _a, ctx) => (await ctx.perTenant('tenantCounts', s.tenantId, tenantCounts)).unreadInAppCount,
  },
  Notification: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => notificationById(ctx, ref.id),
    student: (n: NotificationRow) => ({ __typename: 'Student', id: n.studentId }),
  },
};
