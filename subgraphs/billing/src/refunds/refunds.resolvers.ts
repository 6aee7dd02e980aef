// Refunds: thin resolvers over refunds.service.
import { isUuid, present } from '@studyspot/runtime';
import { scoped } from '../shared/loaders.ts';
import { canSee } from '../shared/scope.ts';
import { refundPayment } from './refunds.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const refundsResolvers: Resolvers = {
  Mutation: {
    refundPayment: async (_p, a, ctx) => refundPayment((await scoped(ctx)).s, a.input),
  },
  Refund: {
    __resolveReference: async (ref, ctx) => {
      const { s, l } = await scoped(ctx);
      const r = isUuid(ref.id) ? await l.refund.load(ref.id) : null;
      const p = r ? await l.payment.load(r.paymentId) : null;
      return r && p && canSee(s, p) ? r : null;
    },
    payment: async (r, _a, ctx) => present(await (await scoped(ctx)).l.payment.load(r.paymentId), 'payment'),
    createdBy: (r) => (r.createdById ? { __typename: 'User', id: r.createdById } : null),
  },
};
