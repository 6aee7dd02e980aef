import { fileURLToPath } from 'node:url';
import { mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { communicationsLive, liveResolvers } from './live.ts';
import { resolvers } from './resolvers.ts';
import { autoResolvers } from './auto/auto.resolvers.ts';
import { campaignResolvers } from './campaigns/campaign.resolvers.ts';
import { inboxResolvers } from './inbox/inbox.resolvers.ts';
import { smsResolvers } from './sms/sms.resolvers.ts';

export const communicationsSubgraph: SubgraphModule = {
  name: 'communications',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers(resolvers, liveResolvers, smsResolvers, inboxResolvers, campaignResolvers, autoResolvers),
  live: communicationsLive,
};
export { msg91ReportRouter } from './sms/reports.ts';
export { sendDue } from './sms/sms.service.ts';
export { smsSweepOnce, startSmsSweeper } from './sms/sweeper.ts';
export { notifyInApp } from './inbox/inbox.service.ts';
export { startCampaignWorker } from './campaigns/queue.ts';
