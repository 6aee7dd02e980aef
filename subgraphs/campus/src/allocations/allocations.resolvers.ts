import { isUuid, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { currentStudent } from '../attendance/attendance.service.ts';
import { loaders, tag, tagAll, type AllocationRow, type InTenant } from '../shared/loaders.ts';
import { inScope, L, type Args } from '../shared/resolve.ts';
import { canSeeLibrary, scope } from '../shared/scope.ts';
import * as allocations from './allocations.service.ts';
import * as waitlist from './waitlist.service.ts';

export const allocationsResolvers: Resolvers = {
  Query: {
    seatAllocation: async (_p, a: { id: string }, ctx) => {
      const s = await scope(ctx);
      return isUuid(a.id) ? tag(s.tenantId, await allocations.visibleAllocation(s, a.id)) : null;
    },
    waitlist: async (_p, a: { libraryId: string; shiftId: string }, ctx) => {
      const s = await scope(ctx);
      return (await waitlist.waitlistOf(s, a.libraryId, a.shiftId)).map((e) => ({ ...tag(s.tenantId, e)!, offer: tag(s.tenantId, e.offerAllocation) }));
    },
    myAllocations: async (_p, _a, ctx) => {
      const s = await scope(ctx);
      const me = await currentStudent(ctx, s);
      return me ? tagAll(s.tenantId, await allocations.myAllocations(s, me.id)) : [];
    },
  },
  Mutation: {
    allocateSeat: inScope((ctx, s, a: { input: Parameters<typeof allocations.allocateSeat>[2] }) => allocations.allocateSeat(ctx, s, a.input)),
    createDayPass: inScope((ctx, s, a: { input: Parameters<typeof allocations.createDayPass>[2] }) => allocations.createDayPass(ctx, s, a.input)),
    changeSeat: inScope((ctx, s, a: { id: string; seatId: string }) => allocations.changeSeat(ctx, s, a.id, a.seatId)),
    pauseAllocation: inScope((ctx, s, a: { id: string; from: Date; until: Date }) => allocations.pauseAllocation(ctx, s, a.id, a.from, a.until)),
    resumeAllocation: inScope((ctx, s, a: { id: string }) => allocations.resumeAllocation(ctx, s, a.id)),
    extendAllocation: inScope((ctx, s, a: { id: string; endDate: Date }) => allocations.extendAllocation(ctx, s, a.id, a.endDate)),
    cancelAllocation: inScope((ctx, s, a: { id: string }) => allocations.cancelAllocation(ctx, s, a.id)),
    joinWaitlist: inScope((_c, s, a: { studentId: string; libraryId: string; shiftId: string; startDate: Date; endDate: Date }) => waitlist.joinWaitlist(s, a)),
    acceptWaitlistOffer: inScope((ctx, s, a: { entryId: string }) => waitlist.acceptOffer(ctx, s, a.entryId)),
    acceptMyWaitlistOffer: inScope(async (ctx, s, a: { entryId: string }) => {
      const me = await currentStudent(ctx, s);
      return me ? waitlist.acceptOffer(ctx, s, a.entryId, me.id) : { userErrors: [{ code: 'NOT_FOUND' as const, message: 'No student record' }] };
    }),
    leaveWaitlist: inScope((ctx, s, a: { entryId: string }) => waitlist.leaveWaitlist(ctx, s, a.entryId)),
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
};
