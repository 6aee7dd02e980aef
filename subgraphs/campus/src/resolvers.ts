// Campus resolvers: read the context and arguments, call a service, tag rows with their tenant.
import { DateScalar, DateTimeScalar, idFilter, isUuid, KEYSET_ORDER, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { scope, canSeeLibrary, visibleLibrary, type Scope } from './access.ts';
import * as allocations from './allocation.service.ts';
import { campusAnalytics, tenantCounts } from './analytics.service.ts';
import * as attendance from './attendance.service.ts';
import * as libraries from './library.service.ts';
import { loaders, tag, tagAll, type AllocationRow, type InTenant, type LibraryRow, type SeatRow, type ShiftRow, type StudentRow, type VisitRow } from './loaders.ts';
import * as seats from './seat.service.ts';
import { seatMapView } from './seat-map.view.ts';
import * as students from './student.service.ts';
import { formatTime } from './time.ts';

type Args = Record<string, never>;

/** Tags the rows a payload carries with the tenant, so their nested fields resolve. */
function tagPayload<P extends object>(tenantId: string, p: P): P {
  const out = { ...p } as Record<string, unknown>;
  for (const k of ['library', 'seat', 'shift', 'student', 'allocation', 'entry', 'visit'] as const) {
    const v = out[k];
    if (v && typeof v === 'object') out[k] = tag(tenantId, v as object);
  }
  if (Array.isArray(out.seats)) out.seats = tagAll(tenantId, out.seats as object[]);
  return out as P;
}

/** Runs a service in the caller's tenant scope and tags what it returns. */
const inScope =
  <A, R extends object>(fn: (ctx: SubgraphContext, s: Scope, args: A) => R | Promise<R>) =>
  async (_p: unknown, args: A, ctx: SubgraphContext) => {
    const s = await scope(ctx);
    return tagPayload(s.tenantId, await fn(ctx, s, args));
  };

async function pageOf<T extends { createdAt: Date; id: string }>(tenantId: string, p: Promise<{ edges: { node: T; cursor: string }[]; pageInfo: object }>) {
  const page = await p;
  return { ...page, edges: page.edges.map((e) => ({ ...e, node: tag(tenantId, e.node) })) };
}

const studentsPage = (s: Scope, args: ConnectionArgs, f: { search?: string | null; status?: StudentRow['status'] | null; libraryId?: string | null }) => {
  const search = f.search?.trim();
  return pageOf(
    s.tenantId,
    paginate(args, (take, where) =>
      s.db.student.findMany({
        where: {
          AND: [
            where,
            s.libraryIds ? { OR: [{ libraryId: { in: s.libraryIds } }, { libraryId: null }] } : {},
            f.libraryId ? { libraryId: idFilter(f.libraryId) } : {},
            f.status ? { status: f.status } : {},
            search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { phone: { contains: search.replace(/\D/g, '') || search } }] } : {},
          ],
        },
        orderBy: KEYSET_ORDER,
        take,
      }),
    ),
  );
};

const L = (ctx: SubgraphContext, row: { tenantId: string }) => loaders(ctx, row.tenantId);

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: {
    library: async (_p, a: { id: string }, ctx) => {
      const s = await scope(ctx);
      return tag(s.tenantId, await visibleLibrary(s, a.id));
    },
    libraries: async (_p, a: ConnectionArgs & { filter?: libraries.LibraryFilter | null; near?: { lat: number; lng: number; radiusKm: number } | null }, ctx) => {
      const s = await scope(ctx);
      return pageOf(s.tenantId, a.near ? libraries.librariesNear(s, a, a.near, a.filter) : libraries.listLibraries(s, a, a.filter));
    },
    seatMap: async (_p, a: { libraryId: string; date: Date; shiftId: string }, ctx) => seatMapView(await scope(ctx), a),
    student: async (_p, a: { id: string }, ctx) => {
      const s = await scope(ctx);
      return isUuid(a.id) ? tag(s.tenantId, await students.visibleStudent(s, a.id)) : null;
    },
    students: async (_p, a: ConnectionArgs & { search?: string | null; filter?: { search?: string | null; status?: StudentRow['status'] | null; libraryId?: string | null } | null }, ctx) =>
      studentsPage(await scope(ctx), a, { ...a.filter, search: a.filter?.search ?? a.search }),
    myStudentProfile: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      return tag(s.tenantId, await attendance.currentStudent(ctx, s));
    },
    seatAllocation: async (_p, a: { id: string }, ctx) => {
      const s = await scope(ctx);
      return isUuid(a.id) ? tag(s.tenantId, await allocations.visibleAllocation(s, a.id)) : null;
    },
    waitlist: async (_p, a: { libraryId: string; shiftId: string }, ctx) => {
      const s = await scope(ctx);
      if (!isUuid(a.libraryId) || !isUuid(a.shiftId) || !canSeeLibrary(s, a.libraryId)) return [];
      const entries = await allocations.waitlist(s.db, a.libraryId, a.shiftId);
      let position = 0;
      return entries.map((e) => ({ ...tag(s.tenantId, e)!, position: e.status === 'WAITING' ? ++position : null, offer: tag(s.tenantId, e.offerAllocation) }));
    },
    myAllocations: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      const me = await attendance.currentStudent(ctx, s);
      return me ? tagAll(s.tenantId, await s.db.seatAllocation.findMany({ where: { studentId: me.id }, orderBy: { startDate: 'desc' } })) : [];
    },
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
      if (!isUuid(a.studentId) || !(await students.visibleStudent(s, a.studentId))) return null;
      const h = await attendance.attendanceHistory(s, a.studentId, a.from, a.to);
      return { ...h, visits: tagAll(s.tenantId, h.visits) };
    },
    libraryAttendance: async (_p, a: { libraryId: string; date: Date }, ctx) => {
      const s = await scope(ctx);
      if (!isUuid(a.libraryId) || !canSeeLibrary(s, a.libraryId)) return [];
      return tagAll(s.tenantId, await s.db.visit.findMany({ where: { libraryId: a.libraryId, day: a.date }, orderBy: { checkedInAt: 'desc' } }));
    },
    myAttendance: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      const me = await attendance.currentStudent(ctx, s);
      if (!me) return { visits: [], daysPresent: 0, daysAbsent: 0, currentAbsenceStreak: 0 };
      const h = await attendance.attendanceHistory(s, me.id);
      return { ...h, visits: tagAll(s.tenantId, h.visits) };
    },
    campusAnalytics: async (_p, a: { month?: string | null }, ctx) => {
      const s = await scope(ctx);
      const r = await campusAnalytics(s.db, s.libraryIds, a.month);
      return { ...r, utilisation: r.utilisation.map((u) => ({ ...u, shift: tag(s.tenantId, u.shift) })) };
    },
  },
  Mutation: {
    createLibrary: inScope((ctx, s, a: { input: libraries.LibraryInput }) => libraries.createLibrary(ctx, s, a.input)),
    updateLibrary: inScope((_c, s, a: { id: string; input: libraries.LibraryInput }) => libraries.updateLibrary(s, a.id, a.input)),
    createSeats: inScope((ctx, s, a: { libraryId: string; grid: seats.SeatGridInput }) => seats.createSeats(ctx, s, a.libraryId, a.grid)),
    setSeatStatus: inScope((ctx, s, a: { id: string; status: 'AVAILABLE' | 'MAINTENANCE' }) => seats.setSeatStatus(ctx, s, a.id, a.status)),
    createShift: inScope((_c, s, a: { libraryId: string; input: seats.ShiftInput }) => seats.createShift(s, a.libraryId, a.input)),
    updateShift: inScope((_c, s, a: { id: string; input: seats.ShiftInput }) => seats.updateShift(s, a.id, a.input)),
    createStudent: inScope((ctx, s, a: { input: students.StudentInput }) => students.createStudent(ctx, s, a.input)),
    updateStudent: inScope((_c, s, a: { id: string; input: students.StudentInput }) => students.updateStudent(s, a.id, a.input)),
    suspendStudent: inScope((ctx, s, a: { id: string }) => students.setStudentStatus(ctx, s, a.id, 'SUSPENDED')),
    reactivateStudent: inScope((ctx, s, a: { id: string }) => students.setStudentStatus(ctx, s, a.id, 'ACTIVE')),
    removeStudent: inScope((ctx, s, a: { id: string }) => students.removeStudent(ctx, s, a.id, (allocationId) => allocations.cancelAllocation(ctx, s, allocationId))),
    importStudents: inScope((ctx, s, a: { csv: string; libraryId?: string | null }) => students.importStudents(ctx, s, a.csv, a.libraryId)),
    allocateSeat: inScope((ctx, s, a: { input: Parameters<typeof allocations.allocateSeat>[2] }) => allocations.allocateSeat(ctx, s, a.input)),
    createDayPass: inScope((ctx, s, a: { input: Parameters<typeof allocations.createDayPass>[2] }) => allocations.createDayPass(ctx, s, a.input)),
    changeSeat: inScope((ctx, s, a: { id: string; seatId: string }) => allocations.changeSeat(ctx, s, a.id, a.seatId)),
    pauseAllocation: inScope((ctx, s, a: { id: string; from: Date; until: Date }) => allocations.pauseAllocation(ctx, s, a.id, a.from, a.until)),
    resumeAllocation: inScope((ctx, s, a: { id: string }) => allocations.resumeAllocation(ctx, s, a.id)),
    extendAllocation: inScope((ctx, s, a: { id: string; endDate: Date }) => allocations.extendAllocation(ctx, s, a.id, a.endDate)),
    cancelAllocation: inScope((ctx, s, a: { id: string }) => allocations.cancelAllocation(ctx, s, a.id)),
    joinWaitlist: inScope((_c, s, a: { studentId: string; libraryId: string; shiftId: string; startDate: Date; endDate: Date }) => allocations.joinWaitlist(s, a)),
    acceptWaitlistOffer: inScope((ctx, s, a: { entryId: string }) => allocations.acceptOffer(ctx, s, a.entryId)),
    acceptMyWaitlistOffer: inScope(async (ctx, s, a: { entryId: string }) => {
      const me = await attendance.currentStudent(ctx, s);
      return me ? allocations.acceptOffer(ctx, s, a.entryId, me.id) : { userErrors: [{ code: 'NOT_FOUND' as const, message: 'No student record' }] };
    }),
    leaveWaitlist: inScope((ctx, s, a: { entryId: string }) => allocations.leaveWaitlist(ctx, s, a.entryId)),
    checkInWithQr: inScope((ctx, s, a: { token: string }) => attendance.checkInWithQr(ctx, s, a.token)),
    markAttendance: inScope((ctx, s, a: { studentId: string; libraryId: string; action: 'CHECK_IN' | 'CHECK_OUT' }) => attendance.markAttendance(ctx, s, a.studentId, a.libraryId, a.action)),
    closeOverdueVisits: async (_p, a: { libraryId: string }, ctx) => (await attendance.closeOverdueVisits(ctx, await scope(ctx), a.libraryId)).closed,
  },
  Library: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      const s = await scope(ctx);
      return isUuid(ref.id) && canSeeLibrary(s, ref.id) ? tag(s.tenantId, await loaders(ctx, s.tenantId).library.load(ref.id)) : null;
    },
    openingHours: (l: LibraryRow) => l.openingHours,
    distanceKm: (l: LibraryRow & { distanceKm?: number }) => l.distanceKm ?? null,
    seatCount: (l: InTenant<LibraryRow>, _a: Args, ctx) => L(ctx, l).seatCount.load(l.id),
    seats: async (l: InTenant<LibraryRow>, _a: Args, ctx) => tagAll(l.tenantId, await L(ctx, l).seatsOf.load(l.id)),
    shifts: async (l: InTenant<LibraryRow>, _a: Args, ctx) => tagAll(l.tenantId, await L(ctx, l).shiftsOf.load(l.id)),
    students: async (l: InTenant<LibraryRow>, a: ConnectionArgs, ctx) => {
      ctx.authorizeTenant('tenant:students:read', l.tenantId);
      return studentsPage(await scope(ctx, l.tenantId), a, { libraryId: l.id });
    },
  },
  Seat: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      const s = await scope(ctx);
      const seat = isUuid(ref.id) ? await loaders(ctx, s.tenantId).seat.load(ref.id) : null;
      return seat && canSeeLibrary(s, seat.libraryId) ? tag(s.tenantId, seat) : null;
    },
    library: async (seat: InTenant<SeatRow>, _a: Args, ctx) => tag(seat.tenantId, await L(ctx, seat).library.load(seat.libraryId)),
  },
  Shift: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      const s = await scope(ctx);
      const shift = isUuid(ref.id) ? await loaders(ctx, s.tenantId).shift.load(ref.id) : null;
      return shift && canSeeLibrary(s, shift.libraryId) ? tag(s.tenantId, shift) : null;
    },
    startTime: (sh: ShiftRow) => formatTime(sh.startMinute),
    endTime: (sh: ShiftRow) => formatTime(sh.endMinute),
    library: async (sh: InTenant<ShiftRow>, _a: Args, ctx) => tag(sh.tenantId, await L(ctx, sh).library.load(sh.libraryId)),
  },
  Student: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      const s = await scope(ctx);
      const st = isUuid(ref.id) ? await loaders(ctx, s.tenantId).student.load(ref.id) : null;
      // A student sees only themself; staff their branches' students.
      if (!st || (ctx.claims?.role === 'STUDENT' && ctx.claims.sub !== st.id && (await attendance.currentStudent(ctx, s))?.id !== st.id)) return null;
      return s.libraryIds && st.libraryId && !s.libraryIds.includes(st.libraryId) ? null : tag(s.tenantId, st);
    },
    library: async (st: InTenant<StudentRow>, _a: Args, ctx) => (st.libraryId ? tag(st.tenantId, await L(ctx, st).library.load(st.libraryId)) : null),
    currentAllocation: async (st: InTenant<StudentRow>, _a: Args, ctx) => tag(st.tenantId, await L(ctx, st).currentAllocation.load(st.id)),
    allocations: async (st: InTenant<StudentRow>, _a: Args, ctx) => tagAll(st.tenantId, await L(ctx, st).allocationsOf.load(st.id)),
    todayVisit: async (st: InTenant<StudentRow>, _a: Args, ctx) => tag(st.tenantId, await L(ctx, st).todayVisit.load(st.id)),
  },
  SeatAllocation: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      const s = await scope(ctx);
      const a = isUuid(ref.id) ? await loaders(ctx, s.tenantId).allocation.load(ref.id) : null;
      return a && canSeeLibrary(s, a.libraryId) ? tag(s.tenantId, a) : null;
    },
    student: async (a: InTenant<AllocationRow>, _x: Args, ctx) => tag(a.tenantId, await L(ctx, a).student.load(a.studentId)),
    seat: async (a: InTenant<AllocationRow>, _x: Args, ctx) => tag(a.tenantId, await L(ctx, a).seat.load(a.seatId)),
    shift: async (a: InTenant<AllocationRow>, _x: Args, ctx) => tag(a.tenantId, await L(ctx, a).shift.load(a.shiftId)),
    library: async (a: InTenant<AllocationRow>, _x: Args, ctx) => tag(a.tenantId, await L(ctx, a).library.load(a.libraryId)),
  },
  WaitlistEntry: {
    student: async (e: InTenant<{ studentId: string }>, _x: Args, ctx) => tag(e.tenantId, await L(ctx, e).student.load(e.studentId)),
    library: async (e: InTenant<{ libraryId: string }>, _x: Args, ctx) => tag(e.tenantId, await L(ctx, e).library.load(e.libraryId)),
    shift: async (e: InTenant<{ shiftId: string }>, _x: Args, ctx) => tag(e.tenantId, await L(ctx, e).shift.load(e.shiftId)),
    offer: async (e: InTenant<{ offerAllocationId: string | null; offer?: unknown }>, _x: Args, ctx) =>
      e.offerAllocationId ? tag(e.tenantId, await L(ctx, e).allocation.load(e.offerAllocationId)) : null,
  },
  Visit: {
    student: async (v: InTenant<VisitRow>, _x: Args, ctx) => tag(v.tenantId, await L(ctx, v).student.load(v.studentId)),
    library: async (v: InTenant<VisitRow>, _x: Args, ctx) => tag(v.tenantId, await L(ctx, v).library.load(v.libraryId)),
    seat: async (v: InTenant<VisitRow>, _x: Args, ctx) => (v.seatId ? tag(v.tenantId, await L(ctx, v).seat.load(v.seatId)) : null),
  },
  Tenant: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    libraries: async (t: { id: string }, a: ConnectionArgs, ctx) => {
      ctx.authorizeTenant('tenant:libraries:read', t.id);
      const s = await scope(ctx, t.id);
      return pageOf(s.tenantId, libraries.listLibraries(s, a));
    },
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:read', ref.tenantId) }),
    libraryCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).libraryCount,
    seatCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).seatCount,
    studentCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).studentCount,
    activeStudentCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).activeStudentCount,
    activeAllocationCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).activeAllocationCount,
    insideNow: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).insideNow,
  },
};

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('tenantCounts', tenantId, tenantCounts);

