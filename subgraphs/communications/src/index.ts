// The communications subgraph: SMS under DLT rules (sms/), in-app notifications and announcements
// (inbox/), campaigns (campaigns/), automatic SMS (auto/), the notification log and counts
// (notifications/), the live notification stream (live/); email (email/) and the messages sweep
// (jobs/) serve them. Each area has its SDL, resolvers, service and repository; this file puts them
// together.
import { fileURLToPath } from 'node:url';
import { DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { autoResolvers } from './auto/auto.resolvers.ts';
import { campaignResolvers } from './campaigns/campaigns.resolvers.ts';
import { inboxResolvers } from './inbox/inbox.resolvers.ts';
import { communicationsLive, liveResolvers } from './live/live.resolvers.ts';
import { notificationsResolvers } from './notifications/notifications.resolvers.ts';
import { smsResolvers } from './sms/sms.resolvers.ts';
// Provides this subgraph's ports (runtime ports.ts) wherever the module is loaded.
import './ports.ts';

export const communicationsSubgraph: SubgraphModule = {
  name: 'communications',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers({ DateTime: DateTimeScalar }, notificationsResolvers, liveResolvers, smsResolvers, inboxResolvers, campaignResolvers, autoResolvers),
  live: communicationsLive,
};
export { msg91ReportRouter } from './sms/reports.service.ts';
export { sendDue } from './sms/sms.service.ts';
export { smsSweepOnce, startSmsSweeper } from './jobs/sweeper.ts';
export { notifyInApp } from './inbox/inbox.service.ts';
export { startCampaignWorker } from './campaigns/queue.ts';
