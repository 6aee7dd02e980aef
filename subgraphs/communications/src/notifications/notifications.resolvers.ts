import type { ConnectionArgs, Resolvers, SubgraphContext } from '@studyspot/runtime';
import type { NotificationRow } from './notifications.repository.ts';
import { countsFor, listNotifications, notificationById } from './notifications.service.ts';

export const notificationsResolvers: Resolvers = {
  Query: {
    notification: (_p, args: { id: string }, ctx) => notificationById(ctx, args.id),
    notifications: (_p, args: ConnectionArgs, ctx) => listNotifications(ctx, args),
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:notifications:read', ref.tenantId) }),
    notificationCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).notificationCount,
    smsSent: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).smsSent,
    smsDelivered: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).smsDelivered,
    smsCreditsUsed: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).smsCreditsUsed,
    campaignCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).campaignCount,
    unreadInAppCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).unreadInAppCount,
  },
  Notification: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => notificationById(ctx, ref.id),
    student: (n: NotificationRow) => ({ __typename: 'Student', id: n.studentId }),
  },
};
