// The signed-in account's inbox and preferences, the tenant's quiet hours, and announcements.
import type { ConnectionArgs, Resolvers, SubgraphContext } from '@studyspot/runtime';
import * as inbox from './inbox.service.ts';
import type { Category, Channel } from './inbox.service.ts';
import { notifyUsers, type NotifyInput } from './notify.service.ts';

export const inboxResolvers: Resolvers = {
  Query: {
    myInbox: (_p, a: ConnectionArgs & { unreadOnly?: boolean | null }, ctx) => inbox.myInbox(ctx, a),
    myUnreadCount: (_p, _a, ctx) => inbox.myUnreadCount(ctx),
    myNotificationPreferences: (_p, _a, ctx) => inbox.myPreferences(ctx),
    notificationTemplates: (_p, _a, ctx) => inbox.listTemplates(ctx),
    quietHours: (_p, _a, ctx) => inbox.quietHours(ctx),
  },
  Mutation: {
    markNotificationsRead: (_p, a: { ids?: string[] | null; all?: boolean | null }, ctx) => inbox.markRead(ctx, a),
    setNotificationPreference: (_p, a: { category: Category; channel: Channel; enabled: boolean }, ctx) => inbox.setPreference(ctx, a),
    notifyUsers: (_p, a: { input: NotifyInput }, ctx) => notifyUsers(ctx, a.input),
    setNotificationTemplate: (_p, a: { key: string; channel: Channel; subject: string; body: string }, ctx) => inbox.setTemplate(ctx, a),
    setQuietHours: (_p, a: { from?: string | null; to?: string | null }, ctx) => inbox.setQuietHours(ctx, a),
  },
  InboxNotification: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => inbox.myNotification(ctx, ref.id),
  },
};
