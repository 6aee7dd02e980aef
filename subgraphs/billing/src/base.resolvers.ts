// What billing adds to entities it does not own (Student payments, tenant stats), and its scalars.
import type { TenantPrisma } from '@studyspot/db';
import { DateScalar, DateTimeScalar, KEYSET_ORDER, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { L } from './loaders.ts';
import { canSee, scopeWhere } from './scope.ts';

async function tenantCounts(db: TenantPrisma) {
  const [paid, owed] = await Promise.all([
    db.$queryRaw<{ n: number; revenue: number }[]>`SELECT count(*)::int AS n, COALESCE(SUM(amount_paise - refunded_paise), 0)::float8 AS revenue FROM payments WHERE status IN ('CAPTURED', 'REFUNDED')`,
    db.$queryRaw<{ owed: number }[]>`SELECT COALESCE(SUM(amount_paise + adjustment_paise - paid_paise), 0)::float8 AS owed FROM dues WHERE status = 'OPEN'`,
  ]);
  return { paymentCount: paid[0]!.n, revenuePaise: paid[0]!.revenue, outstandingPaise: owed[0]!.owed };
}

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('billingCounts', tenantId, tenantCounts);

export const baseResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  TenantStats: {
    // Money totals are analytics: the front desk records payments but does not see the revenue.
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:analytics:read', ref.tenantId) }),
    paymentCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).paymentCount,
    revenuePaise: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).revenuePaise,
    outstandingPaise: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).outstandingPaise,
  },
  Student: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    payments: async (st: { id: string }, args: ConnectionArgs, ctx) => {
      ctx.authorizeTenant('tenant:payments:read');
      const { s, l } = await L(ctx);
      // A first page is loaded for the whole list of students at once; later pages one by one.
      return paginate(args, async (take, after) =>
        args.after
          ? s.db.payment.findMany({ where: { AND: [after, scopeWhere(s), { studentId: st.id }] }, orderBy: KEYSET_ORDER, take })
          : (await l.firstPaymentsOfStudent(take).load(st.id)).filter((p) => canSee(s, p)),
      );
    },
  },
};
