import * as auth from './auth.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const authResolvers: Resolvers = {
  Query: {
    verifyToken: (_p, _a, ctx) => ({ userId: ctx.claims!.sub, role: ctx.claims!.role, tenantId: ctx.claims!.tenantId, sessionId: ctx.claims!.sid ?? null }),
  },
  Mutation: {
    login: (_p, args, ctx) => auth.login(ctx, args.input),
    requestOtp: (_p, args, ctx) => auth.requestOtp(ctx, args.input),
    loginWithOtp: (_p, args, ctx) => auth.loginWithOtp(ctx, args.input),
    refreshSession: (_p, args, ctx) => auth.refreshSession(ctx, args.refreshToken),
    logout: (_p, _a, ctx) => auth.logout(ctx),
    changePassword: (_p, args, ctx) => auth.changePassword(ctx, args.input),
  },
};
