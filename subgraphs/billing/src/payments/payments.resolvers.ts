// Payments and payment orders: thin resolvers over offline.ts, orders.ts and the loaders.
import { isUuid, paginate, present, type SubgraphContext } from '@studyspot/runtime';
import { scoped } from '../shared/loaders.ts';
import { canSee, scopeWhere } from '../shared/scope.ts';
import { recordPayment } from './offline.ts';
import { confirmPayment, createPaymentOrder, simulatorCheckoutUrl } from './orders.ts';
import { paymentsPage, recentPaymentsOf } from './payments.repository.ts';
import { providerEnum } from '../providers/provider.ts';
import type { RoutingDecision } from '../providers/routing.ts';
import type { Resolvers } from '../generated/resolvers.ts';


async function visiblePayment(ctx: SubgraphContext, id: string) {
  const { s, l } = await scoped(ctx);
  const p = isUuid(id) ? await l.payment.load(id) : null;
  return p && canSee(s, p) ? p : null;
}

async function visibleOrder(ctx: SubgraphContext, id: string) {
  const { s, l } = await scoped(ctx);
  const o = isUuid(id) ? await l.order.load(id) : null;
  return o && canSee(s, o) ? o : null;
}

export const paymentsResolvers: Resolvers = {
  Query: {
    payment: (_p, a, ctx) => visiblePayment(ctx, a.id),
    payments: async (_p, a, ctx) => {
      const { s } = await scoped(ctx);
      return paginate(a, (take, after) => paymentsPage(s.db, take, { AND: [after, scopeWhere(s)] }));
    },
    paymentOrder: (_p, a, ctx) => visibleOrder(ctx, a.id),
    myPayments: async (_p, _a, ctx) => {
      const { s } = await scoped(ctx);
      return recentPaymentsOf(s.db, s.studentId!);
    },
    myPaymentOrder: (_p, a, ctx) => visibleOrder(ctx, a.id),
  },
  Mutation: {
    recordPayment: async (_p, a, ctx) => recordPayment((await scoped(ctx)).s, a.input),
    createPaymentOrder: async (_p, a, ctx) => createPaymentOrder((await scoped(ctx)).s, a.input),
    payMyDues: async (_p, a, ctx) => createPaymentOrder((await scoped(ctx)).s, { dueIds: a.dueIds }),
    confirmPayment: async (_p, a, ctx) => confirmPayment((await scoped(ctx)).s, a.input),
    confirmMyPayment: async (_p, a, ctx) => confirmPayment((await scoped(ctx)).s, a.input),
  },
  Payment: {
    __resolveReference: (ref, ctx) => visiblePayment(ctx, ref.id),
    student: (p) => ({ __typename: 'Student', id: p.studentId }),
    library: (p) => (p.libraryId ? { __typename: 'Library', id: p.libraryId } : null),
    allocations: async (p, _a, ctx) => (await scoped(ctx)).l.allocationsOfPayment.load(p.id),
    receipt: async (p, _a, ctx) => (await scoped(ctx)).l.receiptOfPayment.load(p.id),
    refunds: async (p, _a, ctx) => (await scoped(ctx)).l.refundsOfPayment.load(p.id),
  },
  PaymentAllocation: {
    due: async (a, _x, ctx) => present(await (await scoped(ctx)).l.due.load(a.dueId), 'due'),
  },
  PaymentOrder: {
    __resolveReference: (ref, ctx) => visibleOrder(ctx, ref.id),
    student: (o) => ({ __typename: 'Student', id: o.studentId }),
    provider: (o) => providerEnum(o.provider),
    statusReason: (o) => o.reviewReason,
    checkout: async (o, _a, ctx) => ({ ...(o.checkout as object), simulatorUrl: simulatorCheckoutUrl((await scoped(ctx)).s, o) }),
    // A JSON column written only from a RoutingDecision (orders.ts).
    routing: (o) => o.routing as unknown as RoutingDecision,
    payment: async (o, _a, ctx) => (await scoped(ctx)).l.paymentOfOrder.load(o.id),
  },
  Routing: {
    chosen: (r) => providerEnum(r.chosen),
    fees: (r) => r.fees.map((f) => ({ ...f, provider: providerEnum(f.provider) })),
    tried: (r) => r.tried.map((t) => ({ ...t, provider: providerEnum(t.provider) })),
  },
  Student: {
    __resolveReference: (ref) => ({ id: ref.id }),
    payments: async (st, args, ctx) => {
      ctx.authorizeTenant('tenant:payments:read');
      const { s, l } = await scoped(ctx);
      // A first page is loaded for the whole list of students at once; later pages one by one.
      return paginate(args, async (take, after) =>
        args.after
          ? paymentsPage(s.db, take, { AND: [after, scopeWhere(s), { studentId: st.id }] })
          : (await l.firstPaymentsOfStudent(take).load(st.id)).filter((p) => canSee(s, p)),
      );
    },
  },
};
