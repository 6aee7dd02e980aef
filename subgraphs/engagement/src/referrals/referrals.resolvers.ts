import { loaders } from '../shared/loaders.ts';
import * as referrals from './referrals.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const referralsResolvers: Resolvers = {
  Query: {
    myReferrals: async (_p, _a, ctx) => referrals.myReferrals(await ctx.scope()),
    referrals: async (_p, a, ctx) => referrals.listReferrals(await ctx.scope(), a),
    referralSettings: async (_p, _a, ctx) => referrals.referralRule((await ctx.scope()).db),
  },
  Mutation: {
    recordReferral: async (_p, a, ctx) => referrals.recordReferral(ctx, await ctx.scope(), a.input),
    updateReferralSettings: async (_p, a, ctx) => referrals.updateReferralRule(ctx, await ctx.scope(), a.input),
  },
  MyReferrals: {
    referrals: async (m, a, ctx) => referrals.myReferralsPage(await ctx.scope(), m.studentId, a.first, a.after),
  },
  Referral: {
    referrer: (r) => ({ id: r.referrerStudentId }),
    referred: (r) => ({ id: r.referredStudentId }),
    lead: async (r, _a, ctx) => (r.leadId ? loaders(ctx, ctx.requireTenant()).lead.load(r.leadId) : null),
    rewards: (r, _a, ctx) => loaders(ctx, ctx.requireTenant()).referralRewards.load(r.id),
    appliedPaise: async (r, _a, ctx) => (await loaders(ctx, ctx.requireTenant()).referralRewards.load(r.id)).reduce((n, w) => n + (w.reversedAt ? 0 : w.amountPaise), 0),
  },
  ReferralReward: {
    due: (w) => ({ id: w.dueId }),
    at: (w) => w.createdAt,
  },
  Student: {
    __resolveReference: (ref) => ({ id: ref.id }),
    referralCode: (st) => referrals.referralCodeOf(st.id),
  },
  Lead: {
    referrer: (l) => (l.referrerStudentId ? { id: l.referrerStudentId } : null),
  },
};
