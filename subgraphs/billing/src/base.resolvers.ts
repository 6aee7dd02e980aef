// What billing adds to entities it does not own (Student payments, tenant stats), and its scalars.
import { DateScalar, DateTimeScalar, paginate, type SubgraphContext } from '@studyspot/runtime';
import { scoped } from './loaders.ts';
import { paymentsPage } from './payments/payments.repository.ts';
import { tenantCounts } from './reports/reports.repository.ts';
import { canSee, scopeWhere } from './scope.ts';
import type { Resolvers } from './generated/resolvers.ts';

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('billingCounts', tenantId, tenantCounts);

export const baseResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  TenantStats: {
    // Money totals are analytics: the front desk records payments but does not see the revenue.
    __resolveReference: (ref, ctx) => ({ tenantId: ctx.authorizeTenant('tenant:analytics:read', ref.tenantId) }),
    paymentCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).paymentCount,
    revenuePaise: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).revenuePaise,
    outstandingPaise: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).outstandingPaise,
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
