// Billing's live subscription: a checkout screen follows its payment order (gateway/src/live/ runs it).
import { AppError, isUuid, liveTrigger, topics, type LiveField, type LiveFields, type LiveResolver } from '@studyspot/runtime';
import type { ResolversTypes, SubscriptionPaymentStatusArgs } from '../generated/resolvers.ts';
import { billingScope, canSee } from '../shared/scope.ts';
import { findOrder } from '../payments/payments.repository.ts';

type Args = SubscriptionPaymentStatusArgs;

const ORDER_EVENTS = new Set(['PAYMENT_CAPTURED', 'PAYMENT_FAILED', 'PAYMENT_REVIEW']);

const paymentStatus: LiveField<Args> = {
  kind: 'state',
  topic: (a, c) => (isUuid(a.orderId) ? topics.tenant(c.tenantId) : null),
  accepts: (e, a) => ORDER_EVENTS.has(e.type) && e.orderId === a.orderId,
};

export const billingLive: LiveFields = { paymentStatus } as LiveFields;

export const liveResolvers: { Subscription: { paymentStatus: LiveResolver<ResolversTypes['PaymentStatusUpdate'], Args> } } = {
  Subscription: {
    paymentStatus: async (root, a, ctx) => {
      const t = liveTrigger(root, 'paymentStatus', ctx.liveTrigger);
      // Students follow their own orders; every other role needs to be able to read payments.
      if (ctx.claims?.role !== 'STUDENT') ctx.authorize('tenant:payments:read');
      const s = await billingScope(ctx);
      const order = isUuid(a.orderId) ? await findOrder(s.db, a.orderId) : null;
      if (!order || !canSee(s, order)) throw new AppError('NOT_FOUND', 'No such payment order', { path: ['orderId'] });
      return { sequence: t.sequence, snapshot: t.snapshot, order };
    },
  },
};
