import { byIds, isUuid, DateTimeScalar, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { findPaymentsByIds, listPayments, tenantCounts, type PaymentRow } from './payment.repository.ts';


async function paymentById(ctx: SubgraphContext, id: string) {
  const tenantId = ctx.authorizeTenant('tenant:payments:read');
  if (!isUuid(id)) return null;
  return ctx
    .loader<string, PaymentRow | null>(`payment:${tenantId}`, async (ids) => byIds(ids, await findPaymentsByIds(await ctx.tenantDb(tenantId), ids)))
    .load(id);
}

async function paymentsPage(ctx: SubgraphContext, args: ConnectionArgs, studentId?: string) {
  const tenantId = ctx.authorizeTenant('tenant:payments:read');
  const db = await ctx.tenantDb(tenantId);
  return paginate(args, (take, where) => listPayments(db, take, where, studentId));
}

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('tenantCounts', tenantId, tenantCounts);

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    payment: (_p, args: { id: string }, ctx) => paymentById(ctx, args.id),
    payments: (_p, args: ConnectionArgs, ctx) => paymentsPage(ctx, args),
  },
  Payment: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => paymentById(ctx, ref.id),
    student: (p: PaymentRow) => ({ __typename: 'Student', id: p.studentId }),
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:payments:read', ref.tenantId) }),
    paymentCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).paymentCount,
    revenuePaise: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).revenuePaise,
  },
  Student: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    payments: (s: { id: string }, args: ConnectionArgs, ctx) => paymentsPage(ctx, args, s.id),
  },
};
