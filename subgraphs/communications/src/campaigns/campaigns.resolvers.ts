// Campaigns: resolvers translate arguments into calls of campaigns.service.ts.
import * as campaigns from './campaigns.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const campaignResolvers: Resolvers = {
  Query: {
    campaign: (_p, a, ctx) => campaigns.campaignById(ctx, a.id),
    campaigns: (_p, _a, ctx) => campaigns.latestCampaigns(ctx),
  },
  Mutation: {
    createCampaign: (_p, a, ctx) => campaigns.createCampaign(ctx, a.input),
    cancelCampaign: (_p, a, ctx) => campaigns.cancelCampaign(ctx, a.id),
  },
  Campaign: {
    __resolveReference: (ref, ctx) => {
      ctx.authorize('tenant:notifications:read');
      return campaigns.campaignById(ctx, ref.id);
    },
    template: (c, _a, ctx) => campaigns.templateOf(ctx, c.templateId),
    progress: (c, _a, ctx) => campaigns.progress(ctx, c.id),
  },
};
