// Payments and payment orders: thin resolvers over offline.ts, orders.ts and the loaders.
import type { Payment, PaymentOrder } from './payments.repository.ts';
import { isUuid, paginate, type ConnectionArgs, type Resolvers } from '@studyspot/runtime';
import { L } from '../loaders.ts';
import { canSee, scopeWhere } from '../scope.ts';
import { recordPayment, type RecordPaymentInput } from './offline.ts';
import { confirmPayment, createPaymentOrder, simulatorCheckoutUrl } from './orders.ts';
import { paymentsPage, recentPaymentsOf } from './payments.repository.ts';

const upper = (p: string) => p.toUpperCase();
type ConfirmInput = Parameters<typeof confirmPayment>[1];

async function visiblePayment(ctx: Parameters<typeof L>[0], id: string) {
  const { s, l } = await L(ctx);
  const p = isUuid(id) ? await l.payment.load(id) : null;
  return p && canSee(s, p) ? p : null;
}

async function visibleOrder(ctx: Parameters<typeof L>[0], id: string) {
  const { s, l } = await L(ctx);
  const o = isUuid(id) ? await l.order.load(id) : null;
  return o && canSee(s, o) ? o : null;
}

export const paymentsResolvers: Resolvers = {
  Query: {
    payment: (_p, a: { id: string }, ctx) => visiblePayment(ctx, a.id),
    payments: async (_p, a: ConnectionArgs, ctx) => {
      const { s } = await L(ctx);
      return paginate(a, (take, after) => paymentsPage(s.db, take, { AND: [after, scopeWhere(s)] }));
    },
    paymentOrder: (_p, a: { id: string }, ctx) => visibleOrder(ctx, a.id),
    myPayments: async (_p, _a, ctx) => {
      const { s } = await L(ctx);
      return recentPaymentsOf(s.db, s.studentId!);
    },
    myPaymentOrder: (_p, a: { id: string }, ctx) => visibleOrder(ctx, a.id),
  },
  Mutation: {
    recordPayment: async (_p, a: { input: RecordPaymentInput }, ctx) => recordPayment((await L(ctx)).s, a.input),
    createPaymentOrder: async (_p, a: { input: { studentId?: string | null; dueIds?: string[] | null } }, ctx) => createPaymentOrder((await L(ctx)).s, a.input),
    payMyDues: async (_p, a: { dueIds?: string[] | null }, ctx) => createPaymentOrder((await L(ctx)).s, { dueIds: a.dueIds }),
    confirmPayment: async (_p, a: { input: ConfirmInput }, ctx) => confirmPayment((await L(ctx)).s, a.input),
    confirmMyPayment: async (_p, a: { input: ConfirmInput }, ctx) => confirmPayment((await L(ctx)).s, a.input),
  },
  Payment: {
    __resolveReference: (ref: { id: string }, ctx) => visiblePayment(ctx, ref.id),
    student: (p: Payment) => ({ __typename: 'Student', id: p.studentId }),
    library: (p: Payment) => (p.libraryId ? { __typename: 'Library', id: p.libraryId } : null),
    allocations: async (p: Payment, _a, ctx) => (await L(ctx)).l.allocationsOfPayment.load(p.id),
    receipt: async (p: Payment, _a, ctx) => (await L(ctx)).l.receiptOfPayment.load(p.id),
    refunds: async (p: Payment, _a, ctx) => (await L(ctx)).l.refundsOfPayment.load(p.id),
  },
  PaymentAllocation: {
    due: async (a: { dueId: string }, _x, ctx) => (await L(ctx)).l.due.load(a.dueId),
  },
  PaymentOrder: {
    __resolveReference: (ref: { id: string }, ctx) => visibleOrder(ctx, ref.id),
    student: (o: PaymentOrder) => ({ __typename: 'Student', id: o.studentId }),
    provider: (o: PaymentOrder) => upper(o.provider),
    statusReason: (o: PaymentOrder) => o.reviewReason,
    checkout: async (o: PaymentOrder, _a, ctx) => ({ ...(o.checkout as object), simulatorUrl: simulatorCheckoutUrl((await L(ctx)).s, o) }),
    routing: (o: PaymentOrder) => o.routing,
    payment: async (o: PaymentOrder, _a, ctx) => (await L(ctx)).l.paymentOfOrder.load(o.id),
  },
  Routing: {
    chosen: (r: { chosen: string }) => upper(r.chosen),
    fees: (r: { fees: { provider: string; feePaise: number }[] }) => r.fees.map((f) => ({ ...f, provider: upper(f.provider) })),
    tried: (r: { tried: { provider: string; error: string }[] }) => r.tried.map((t) => ({ ...t, provider: upper(t.provider) })),
  },
};
