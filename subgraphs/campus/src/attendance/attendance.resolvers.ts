import { isUuid, type Resolvers } from '@studyspot/runtime';
import { tag, tagAll, type InTenant, type VisitRow } from '../shared/loaders.ts';
import { inScope, L, type Args } from '../shared/resolve.ts';
import { scope, visibleLibrary } from '../shared/scope.ts';
import { visibleStudent } from '../students/students.service.ts';
import * as attendance from './attendance.service.ts';

export const attendanceResolvers: Resolvers = {
  Query: {
    kioskToken: async (_p, a: { libraryId: string }, ctx) => attendance.kioskToken(ctx, await scope(ctx), a.libraryId),
    occupancy: async (_p, a: { libraryId: string }, ctx) => {
      const s = await scope(ctx);
      if (!isUuid(a.libraryId) || !(await visibleLibrary(s, a.libraryId))) return null;
      const o = await attendance.occupancy(s, a.libraryId);
      return { ...o, library: tag(s.tenantId, o.library) };
    },
    occupancyTimeline: async (_p, a: { libraryId: string; date: Date }, ctx) => attendance.occupancyTimeline(await scope(ctx), a.libraryId, a.date),
    studentAttendance: async (_p, a: { studentId: string; from?: Date | null; to?: Date | null }, ctx) => {
      const s = await scope(ctx);
      // An unknown student (or one outside the caller's branches) has no history: null, like student(id).
      if (!isUuid(a.studentId) || !(await visibleStudent(s, a.studentId))) return null;
      const h = await attendance.attendanceHistory(s, a.studentId, a.from, a.to);
      return { ...h, visits: tagAll(s.tenantId, h.visits) };
    },
    libraryAttendance: async (_p, a: { libraryId: string; date: Date }, ctx) => {
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
    checkInWithQr: inScope((ctx, s, a: { token: string }) => attendance.checkInWithQr(ctx, s, a.token)),
    markAttendance: inScope((ctx, s, a: { studentId: string; libraryId: string; action: 'CHECK_IN' | 'CHECK_OUT' }) => attendance.markAttendance(ctx, s, a.studentId, a.libraryId, a.action)),
    closeOverdueVisits: async (_p, a: { libraryId: string }, ctx) => (await attendance.closeOverdueVisits(ctx, await scope(ctx), a.libraryId)).closed,
  },
  Visit: {
    student: async (v: InTenant<VisitRow>, _x: Args, ctx) => tag(v.tenantId, await L(ctx, v).student.load(v.studentId)),
    library: async (v: InTenant<VisitRow>, _x: Args, ctx) => tag(v.tenantId, await L(ctx, v).library.load(v.libraryId)),
    seat: async (v: InTenant<VisitRow>, _x: Args, ctx) => (v.seatId ? tag(v.tenantId, await L(ctx, v).seat.load(v.seatId)) : null),
  },
};
