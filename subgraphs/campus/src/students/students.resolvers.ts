import { isUuid } from '@studyspot/runtime';
import { cancelAllocation } from '../allocations/allocations.service.ts';
import { currentStudent } from '../attendance/attendance.service.ts';
import { loaders, tag, tagAll } from '../shared/loaders.ts';
import { inScope, loadersOf, pageOf } from '../shared/resolve.ts';
import { scope } from '../shared/scope.ts';
import { importStudents } from './import.service.ts';
import * as students from './students.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const studentsResolvers: Resolvers = {
  Query: {
    student: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return isUuid(a.id) ? tag(s.tenantId, await students.visibleStudent(s, a.id)) : null;
    },
    students: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return pageOf(s.tenantId, students.listStudents(s, a, { ...a.filter, search: a.filter?.search ?? a.search }));
    },
    myStudentProfile: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      return tag(s.tenantId, await currentStudent(ctx, s));
    },
  },
  Mutation: {
    createStudent: inScope((ctx, s, a) => students.createStudent(ctx, s, a.input)),
    updateStudent: inScope((_c, s, a) => students.updateStudent(s, a.id, a.input)),
    suspendStudent: inScope((ctx, s, a) => students.setStudentStatus(ctx, s, a.id, 'SUSPENDED')),
    reactivateStudent: inScope((ctx, s, a) => students.setStudentStatus(ctx, s, a.id, 'ACTIVE')),
    removeStudent: inScope((ctx, s, a) => students.removeStudent(ctx, s, a.id, (allocationId) => cancelAllocation(ctx, s, allocationId))),
    importStudents: inScope((ctx, s, a) => importStudents(ctx, s, a.csv, a.libraryId)),
  },
  Student: {
    __resolveReference: async (ref, ctx) => {
      const s = await scope(ctx);
      const st = isUuid(ref.id) ? await loaders(ctx, s.tenantId).student.load(ref.id) : null;
      // A student sees only themself; staff their branches' students.
      if (!st || (ctx.claims?.role === 'STUDENT' && ctx.claims.sub !== st.id && (await currentStudent(ctx, s))?.id !== st.id)) return null;
      return s.libraryIds && st.libraryId && !s.libraryIds.includes(st.libraryId) ? null : tag(s.tenantId, st);
    },
    library: async (st, _a, ctx) => (st.libraryId ? tag(st.tenantId, await loadersOf(ctx, st).library.load(st.libraryId)) : null),
    currentAllocation: async (st, _a, ctx) => tag(st.tenantId, await loadersOf(ctx, st).currentAllocation.load(st.id)),
    allocations: async (st, _a, ctx) => tagAll(st.tenantId, await loadersOf(ctx, st).allocationsOf.load(st.id)),
    todayVisit: async (st, _a, ctx) => tag(st.tenantId, await loadersOf(ctx, st).todayVisit.load(st.id)),
  },
};
