import { isUuid, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { loaders, tag, type InTenant, type SeatRow, type ShiftRow } from '../shared/loaders.ts';
import { inScope, L, type Args } from '../shared/resolve.ts';
import { canSeeLibrary, scope } from '../shared/scope.ts';
import { formatTime } from '../shared/time.ts';
import { seatMapView } from './seat-map.service.ts';
import * as seats from './seats.service.ts';

export const seatsResolvers: Resolvers = {
  Query: {
    seatMap: async (_p, a: { libraryId: string; date: Date; shiftId: string }, ctx) => seatMapView(await scope(ctx), a),
  },
  Mutation: {
    createSeats: inScope((ctx, s, a: { libraryId: string; grid: seats.SeatGridInput }) => seats.createSeats(ctx, s, a.libraryId, a.grid)),
    setSeatStatus: inScope((ctx, s, a: { id: string; status: 'AVAILABLE' | 'MAINTENANCE' }) => seats.setSeatStatus(ctx, s, a.id, a.status)),
    createShift: inScope((_c, s, a: { libraryId: string; input: seats.ShiftInput }) => seats.createShift(s, a.libraryId, a.input)),
    updateShift: inScope((_c, s, a: { id: string; input: seats.ShiftInput }) => seats.updateShift(s, a.id, a.input)),
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
};
