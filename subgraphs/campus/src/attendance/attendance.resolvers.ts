import { isUuid, present } from '@studyspot/runtime';
import { tag, tagAll } from '../shared/loaders.ts';
import { inScope, loadersOf } from '../shared/resolve.ts';
import { scope, visibleLibrary } from '../shared/scope.ts';
import { visibleStudent } from '../students/students.service.ts';
import * as attendance from './attendance.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const attendanceResolvers: Resolvers = {
  Query: {
    kioskToken: async (_p, a, ctx) => attendance.kioskToken(ctx, await scope(ctx), a.libraryId),
    occupancy: async (_p, a, ctx) => {
      const s = await scope(ctx);
      if (!isUuid(a.libraryId) || !(await visibleLibrary(s, a.libraryId))) return null;
      const o = await attendance.occupancy(s, a.libraryId);
      return { ...o, library: tag(s.tenantId, o.library) };
    },
    occupancyTimeline: async (_p, a, ctx) => attendance.occupancyTimeline(await scope(ctx), a.libraryId, a.date),
    studentAttendance: async (_p, a, ctx) => {
      const s = await scope(ctx);
      // An unknown student (or one outside the caller's branches) has no history: null, like student(id).
      if (!isUuid(a.studentId) || !(await visibleStudent(s, a.studentId))) return null;
      const h = await attendance.attendanceHistory(s, a.studentId, a.from, a.to);
      return { ...h, visits: tagAll(s.tenantId, h.visits) };
    },
    libraryAttendance: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return tagAll(s.tenantId, await attendance.libraryAttendance(s, a.libraryId, a.date));
    },
    myAttendance: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      const me = await attendance.currentStudent(ctx, s);
      if (!me) return { visits: [], daysPresent: 0, daysAbsent: 0, currentAbsenceStreak: 0 };
      const h = await attendance.attendanceHistory(s, me.id);
      return { ...h, visits: tagAll(s.tenantId, h.visits) };
    },
  },
  Mutation: {
    checkInWithQr: inScope((ctx, s, a) => attendance.checkInWithQr(ctx, s, a.token)),
    markAttendance: inScope((ctx, s, a) => attendance.markAttendance(ctx, s, a.studentId, a.libraryId, a.action)),
    closeOverdueVisits: async (_p, a, ctx) => (await attendance.closeOverdueVisits(ctx, await scope(ctx), a.libraryId)).closed,
  },
  Visit: {
    student: async (v, _x, ctx) => tag(v.tenantId, present(await loadersOf(ctx, v).student.load(v.studentId), 'student')),
    library: async (v, _x, ctx) => tag(v.tenantId, present(await loadersOf(ctx, v).library.load(v.libraryId), 'library')),
    seat: async (v, _x, ctx) => (v.seatId ? tag(v.tenantId, await loadersOf(ctx, v).seat.load(v.seatId)) : null),
  },
};
