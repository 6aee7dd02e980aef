// Refunds: thin resolvers over refunds.service.
import type { Refund } from './refunds.repository.ts';
import { isUuid, type Resolvers } from '@studyspot/runtime';
import { L } from '../loaders.ts';
import { canSee } from '../scope.ts';
import { refundPayment, type RefundInput } from './refunds.service.ts';

export const refundsResolvers: Resolvers = {
  Mutation: {
    refundPayment: async (_p, a: { input: RefundInput }, ctx) => refundPayment((await L(ctx)).s, a.input),
  },
  Refund: {
    __resolveReference: async (ref: { id: string }, ctx) => {
      const { s, l } = await L(ctx);
      const r = isUuid(ref.id) ? await l.refund.load(ref.id) : null;
      const p = r ? await l.payment.load(r.paymentId) : null;
      return r && p && canSee(s, p) ? r : null;
    },
    payment: async (r: Refund, _a, ctx) => (await L(ctx)).l.payment.load(r.paymentId),
    createdBy: (r: Refund) => (r.createdById ? { __typename: 'User', id: r.createdById } : null),
  },
};
