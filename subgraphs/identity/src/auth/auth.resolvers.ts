import type { Resolvers } from '@studyspot/runtime';
import * as auth from './auth.service.ts';

export const authResolvers: Resolvers = {
  Query: {
    verifyToken: (_p, _a, ctx) => ({ userId: ctx.claims!.sub, role: ctx.claims!.role, tenantId: ctx.claims!.tenantId, sessionId: ctx.claims!.sid ?? null }),
  },
  Mutation: {
    login: (_p, args: { input: { email: string; password: string } }, ctx) => auth.login(ctx, args.input),
    requestOtp: (_p, args: { input: { tenantSlug: string; phone: string } }, ctx) => auth.requestOtp(ctx, args.input),
    loginWithOtp: (_p, args: { input: { tenantSlug: string; phone: string; code: string } }, ctx) => auth.loginWithOtp(ctx, args.input),
    refreshSession: (_p, args: { refreshToken: string }, ctx) => auth.refreshSession(ctx, args.refreshToken),
    logout: (_p, _a, ctx) => auth.logout(ctx),
    changePassword: (_p, args: { input: { currentPassword: string; newPassword: string } }, ctx) => auth.changePassword(ctx, args.input),
  },
};
