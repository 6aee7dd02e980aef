import type { Resolvers } from '../generated/resolvers.ts';
import { countsFor, listNotifications, notificationById } from './notifications.service.ts';

export const notificationsResolvers: Resolvers = {
  Query: {
    notification: (_p, args, ctx) => notificationById(ctx, args.id),
    notifications: (_p, args, ctx) => listNotifications(ctx, args),
  },
  TenantStats: {
    __resolveReference: (ref, ctx) => ({ tenantId: ctx.authorizeTenant('tenant:notifications:read', ref.tenantId) }),
    notificationCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).notificationCount,
    smsSent: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).smsSent,
    smsDelivered: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).smsDelivered,
    smsCreditsUsed: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).smsCreditsUsed,
    campaignCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).campaignCount,
    unreadInAppCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).unreadInAppCount,
  },
  Notification: {
    __resolveReference: (ref, ctx) => notificationById(ctx, ref.id),
    student: (n) => ({ __typename: 'Student', id: n.studentId }),
  },
};
