import { isUuid, present } from '@studyspot/runtime';
import { currentStudent } from '../attendance/attendance.service.ts';
import { loaders, tag, tagAll } from '../shared/loaders.ts';
import { fail } from '../errors.ts';
import { inScope, loadersOf } from '../shared/resolve.ts';
import { canSeeLibrary, scope } from '../shared/scope.ts';
import * as allocations from './allocations.service.ts';
import * as waitlist from './waitlist.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const allocationsResolvers: Resolvers = {
  Query: {
    seatAllocation: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return isUuid(a.id) ? tag(s.tenantId, await allocations.visibleAllocation(s, a.id)) : null;
    },
    waitlist: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return tagAll(s.tenantId, await waitlist.waitlistOf(s, a.libraryId, a.shiftId));
    },
    myAllocations: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      const me = await currentStudent(ctx, s);
      return me ? tagAll(s.tenantId, await allocations.myAllocations(s, me.id)) : [];
    },
  },
  Mutation: {
    allocateSeat: inScope((ctx, s, a) => allocations.allocateSeat(ctx, s, a.input)),
    createDayPass: inScope((ctx, s, a) => allocations.createDayPass(ctx, s, a.input)),
    changeSeat: inScope((ctx, s, a) => allocations.changeSeat(ctx, s, a.id, a.seatId)),
    pauseAllocation: inScope((ctx, s, a) => allocations.pauseAllocation(ctx, s, a.id, a.from, a.until)),
    resumeAllocation: inScope((ctx, s, a) => allocations.resumeAllocation(ctx, s, a.id)),
    extendAllocation: inScope((ctx, s, a) => allocations.extendAllocation(ctx, s, a.id, a.endDate)),
    cancelAllocation: inScope((ctx, s, a) => allocations.cancelAllocation(ctx, s, a.id)),
    joinWaitlist: inScope((_c, s, a) => waitlist.joinWaitlist(s, a)),
    acceptWaitlistOffer: inScope((ctx, s, a) => waitlist.acceptOffer(ctx, s, a.entryId)),
    acceptMyWaitlistOffer: inScope(async (ctx, s, a) => {
      const me = await currentStudent(ctx, s);
      return me ? waitlist.acceptOffer(ctx, s, a.entryId, me.id) : fail('NOT_FOUND', 'No student record');
    }),
    leaveWaitlist: inScope((ctx, s, a) => waitlist.leaveWaitlist(ctx, s, a.entryId)),
  },
  SeatAllocation: {
    __resolveReference: async (ref, ctx) => {
      const s = await scope(ctx);
      const a = isUuid(ref.id) ? await loaders(ctx, s.tenantId).allocation.load(ref.id) : null;
      return a && canSeeLibrary(s, a.libraryId) ? tag(s.tenantId, a) : null;
    },
    student: async (a, _x, ctx) => tag(a.tenantId, present(await loadersOf(ctx, a).student.load(a.studentId), 'student')),
    seat: async (a, _x, ctx) => tag(a.tenantId, present(await loadersOf(ctx, a).seat.load(a.seatId), 'seat')),
    shift: async (a, _x, ctx) => tag(a.tenantId, present(await loadersOf(ctx, a).shift.load(a.shiftId), 'shift')),
    library: async (a, _x, ctx) => tag(a.tenantId, present(await loadersOf(ctx, a).library.load(a.libraryId), 'library')),
  },
  WaitlistEntry: {
    student: async (e, _x, ctx) => tag(e.tenantId, present(await loadersOf(ctx, e).student.load(e.studentId), 'student')),
    library: async (e, _x, ctx) => tag(e.tenantId, present(await loadersOf(ctx, e).library.load(e.libraryId), 'library')),
    shift: async (e, _x, ctx) => tag(e.tenantId, present(await loadersOf(ctx, e).shift.load(e.shiftId), 'shift')),
    offer: async (e, _x, ctx) =>
      e.offerAllocationId ? tag(e.tenantId, await loadersOf(ctx, e).allocation.load(e.offerAllocationId)) : null,
  },
};
