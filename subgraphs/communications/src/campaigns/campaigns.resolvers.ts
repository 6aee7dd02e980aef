// Campaigns: resolvers translate arguments into calls of campaigns.service.ts.
import type { Resolvers, SubgraphContext } from '@studyspot/runtime';
import * as campaigns from './campaigns.service.ts';

export const campaignResolvers: Resolvers = {
  Query: {
    campaign: (_p, a: { id: string }, ctx) => campaigns.campaignById(ctx, a.id),
    campaigns: (_p, _a, ctx) => campaigns.latestCampaigns(ctx),
  },
  Mutation: {
    createCampaign: (_p, a: { input: campaigns.CampaignInput }, ctx) => campaigns.createCampaign(ctx, a.input),
    cancelCampaign: (_p, a: { id: string }, ctx) => campaigns.cancelCampaign(ctx, a.id),
  },
  Campaign: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => {
      ctx.authorize('tenant:notifications:read');
      return campaigns.campaignById(ctx, ref.id);
    },
    template: (c: { templateId: string }, _a, ctx) => campaigns.templateOf(ctx, c.templateId),
    progress: (c: { id: string }, _a, ctx) => campaigns.progress(ctx, c.id),
  },
};
