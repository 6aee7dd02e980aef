// Dues: thin resolvers over dues.service / dues.repository, scoped to the caller.
import type { Due } from './dues.repository.ts';
import { can, forbidden, isUuid, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { L } from '../loaders.ts';
import { canSee, scopeWhere } from '../scope.ts';
import { daysOverdue, duesOfStudents, duesWhere, listDues, type DueListFilter } from './dues.repository.ts';
import { adjustDue, billingSettings, updateBillingSettings } from './dues.service.ts';

/** A student's money is theirs to see, and staff's with the dues permission; anyone else is refused. */
async function studentMoney(ctx: SubgraphContext, studentId: string) {
  const scoped = await L(ctx);
  if (scoped.s.studentId ? scoped.s.studentId !== studentId : !ctx.claims || !can(ctx.claims.role, 'tenant:dues:read')) throw forbidden('Not allowed to see this student\'s dues');
  return scoped;
}

/** The defaulters list of a large tenant fits one page (other lists stop at 100). */
export const DUES_MAX_PAGE = 1_000;

export const duesResolvers: Resolvers = {
  Query: {
    due: async (_p, a: { id: string }, ctx) => {
      const { s, l } = await L(ctx);
      const due = isUuid(a.id) ? await l.due.load(a.id) : null;
      return due && canSee(s, due) ? due : null;
    },
    dues: async (_p, a: ConnectionArgs & { filter?: DueListFilter | null }, ctx) => {
      const { s } = await L(ctx);
      const where = await duesWhere(s.db, scopeWhere(s), a.filter ?? {});
      return paginate(a, (take, after) => listDues(s.db, take, after, where), 'asc', DUES_MAX_PAGE);
    },
    myDues: async (_p, _a, ctx) => {
      const { s } = await L(ctx);
      return duesOfStudents(s.db, [s.studentId!]);
    },
    billingSettings: async (_p, _a, ctx) => billingSettings((await L(ctx)).s.db),
  },
  Mutation: {
    adjustDue: async (_p, a: { input: Parameters<typeof adjustDue>[1] }, ctx) => adjustDue((await L(ctx)).s, a.input),
    updateBillingSettings: async (_p, a: { input: Parameters<typeof updateBillingSettings>[1] }, ctx) => updateBillingSettings((await L(ctx)).s, a.input),
  },
  Due: {
    __resolveReference: async (ref: { id: string }, ctx) => {
      const { s, l } = await L(ctx);
      const due = isUuid(ref.id) ? await l.due.load(ref.id) : null;
      return due && canSee(s, due) ? due : null;
    },
    student: (d: Due) => ({ __typename: 'Student', id: d.studentId }),
    library: (d: Due) => ({ __typename: 'Library', id: d.libraryId }),
    allocation: (d: Due) => (d.allocationId ? { __typename: 'SeatAllocation', id: d.allocationId } : null),
    balancePaise: (d: Due) => (d.status === 'OPEN' ? d.amountPaise + d.adjustmentPaise - d.paidPaise : 0),
    overdue: (d: Due) => daysOverdue(d) > 0,
    daysOverdue: (d: Due) => daysOverdue(d),
    adjustments: async (d: Due, _a, ctx) => (await L(ctx)).l.adjustments.load(d.id),
  },
  DueAdjustment: {
    actor: (a: { actorId: string | null }) => (a.actorId ? { __typename: 'User', id: a.actorId } : null),
    at: (a: { createdAt: Date }) => a.createdAt,
  },
  Student: {
    dues: async (st: { id: string }, a: { status?: 'OPEN' | 'PAID' | 'VOID' | null }, ctx) => {
      const { s, l } = await studentMoney(ctx, st.id);
      return (await l.duesOfStudent(a.status ?? null).load(st.id)).filter((d) => canSee(s, d));
    },
    balancePaise: async (st: { id: string }, _a, ctx) => {
      const b = await (await studentMoney(ctx, st.id)).l.balance.load(st.id);
      return b.owedPaise - b.creditPaise;
    },
    creditPaise: async (st: { id: string }, _a, ctx) => (await (await studentMoney(ctx, st.id)).l.balance.load(st.id)).creditPaise,
  },
  SeatAllocation: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    dues: async (a: { id: string }, _x, ctx) => {
      const { s, l } = await L(ctx);
      return (await l.duesOfAllocation.load(a.id)).filter((d) => canSee(s, d));
    },
  },
};
