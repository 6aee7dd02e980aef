// The signed-in account's inbox and preferences, the tenant's quiet hours, and announcements.
import type { Resolvers } from '../generated/resolvers.ts';
import * as inbox from './inbox.service.ts';
import { notifyUsers } from './notify.service.ts';

export const inboxResolvers: Resolvers = {
  Query: {
    myInbox: (_p, a, ctx) => inbox.myInbox(ctx, a),
    myUnreadCount: (_p, _a, ctx) => inbox.myUnreadCount(ctx),
    myNotificationPreferences: (_p, _a, ctx) => inbox.myPreferences(ctx),
    notificationTemplates: (_p, _a, ctx) => inbox.listTemplates(ctx),
    quietHours: (_p, _a, ctx) => inbox.quietHours(ctx),
  },
  Mutation: {
    markNotificationsRead: (_p, a, ctx) => inbox.markRead(ctx, a),
    setNotificationPreference: (_p, a, ctx) => inbox.setPreference(ctx, a),
    notifyUsers: (_p, a, ctx) => notifyUsers(ctx, a.input),
    setNotificationTemplate: (_p, a, ctx) => inbox.setTemplate(ctx, a),
    setQuietHours: (_p, a, ctx) => inbox.setQuietHours(ctx, a),
  },
  InboxNotification: {
    __resolveReference: (ref, ctx) => inbox.myNotification(ctx, ref.id),
  },
};
