// Dues: thin resolvers over dues.service / dues.repository, scoped to the caller.
import { can, forbidden, isUuid, paginate, type SubgraphContext } from '@studyspot/runtime';
import { scoped } from '../shared/loaders.ts';
import { canSee, scopeWhere } from '../shared/scope.ts';
import { daysOverdue, duesOfStudents, duesWhere, listDues } from './dues.repository.ts';
import { adjustDue, billingSettings, updateBillingSettings } from './dues.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

/** A student's money is theirs to see, and staff's with the dues permission; anyone else is refused. */
async function studentMoney(ctx: SubgraphContext, studentId: string) {
  const mine = await scoped(ctx);
  if (mine.s.studentId ? mine.s.studentId !== studentId : !ctx.claims || !can(ctx.claims.role, 'tenant:dues:read')) throw forbidden('Not allowed to see this student\'s dues');
  return mine;
}

/** The defaulters list of a large tenant fits one page (other lists stop at 100). */
export const DUES_MAX_PAGE = 1_000;

export const duesResolvers: Resolvers = {
  Query: {
    due: async (_p, a, ctx) => {
      const { s, l } = await scoped(ctx);
      const due = isUuid(a.id) ? await l.due.load(a.id) : null;
      return due && canSee(s, due) ? due : null;
    },
    dues: async (_p, a, ctx) => {
      const { s } = await scoped(ctx);
      const where = await duesWhere(s.db, scopeWhere(s), a.filter ?? {});
      return paginate(a, (take, after) => listDues(s.db, take, after, where), 'asc', DUES_MAX_PAGE);
    },
    myDues: async (_p, _a, ctx) => {
      const { s } = await scoped(ctx);
      return duesOfStudents(s.db, [s.studentId!]);
    },
    billingSettings: async (_p, _a, ctx) => billingSettings((await scoped(ctx)).s.db),
  },
  Mutation: {
    adjustDue: async (_p, a, ctx) => adjustDue((await scoped(ctx)).s, a.input),
    updateBillingSettings: async (_p, a, ctx) => updateBillingSettings((await scoped(ctx)).s, a.input),
  },
  Due: {
    __resolveReference: async (ref, ctx) => {
      const { s, l } = await scoped(ctx);
      const due = isUuid(ref.id) ? await l.due.load(ref.id) : null;
      return due && canSee(s, due) ? due : null;
    },
    student: (d) => ({ __typename: 'Student', id: d.studentId }),
    library: (d) => ({ __typename: 'Library', id: d.libraryId }),
    allocation: (d) => (d.allocationId ? { __typename: 'SeatAllocation', id: d.allocationId } : null),
    balancePaise: (d) => (d.status === 'OPEN' ? d.amountPaise + d.adjustmentPaise - d.paidPaise : 0),
    overdue: (d) => daysOverdue(d) > 0,
    daysOverdue: (d) => daysOverdue(d),
    adjustments: async (d, _a, ctx) => (await scoped(ctx)).l.adjustments.load(d.id),
  },
  DueAdjustment: {
    actor: (a) => (a.actorId ? { __typename: 'User', id: a.actorId } : null),
    at: (a) => a.createdAt,
  },
  Student: {
    dues: async (st, a, ctx) => {
      const { s, l } = await studentMoney(ctx, st.id);
      return (await l.duesOfStudent(a.status ?? null).load(st.id)).filter((d) => canSee(s, d));
    },
    balancePaise: async (st, _a, ctx) => {
      const b = await (await studentMoney(ctx, st.id)).l.balance.load(st.id);
      return b.owedPaise - b.creditPaise;
    },
    creditPaise: async (st, _a, ctx) => (await (await studentMoney(ctx, st.id)).l.balance.load(st.id)).creditPaise,
  },
  SeatAllocation: {
    __resolveReference: (ref) => ({ id: ref.id }),
    dues: async (a, _x, ctx) => {
      const { s, l } = await scoped(ctx);
      return (await l.duesOfAllocation.load(a.id)).filter((d) => canSee(s, d));
    },
  },
};
