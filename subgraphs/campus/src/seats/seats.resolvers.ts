import { isUuid, present } from '@studyspot/runtime';
import { loaders, tag } from '../shared/loaders.ts';
import { inScope, loadersOf } from '../shared/resolve.ts';
import { canSeeLibrary, scope } from '../shared/scope.ts';
import { formatTime } from '../shared/time.ts';
import { seatMapView } from './seat-map.service.ts';
import * as seats from './seats.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const seatsResolvers: Resolvers = {
  Query: {
    seatMap: async (_p, a, ctx) => seatMapView(await scope(ctx), a),
  },
  Mutation: {
    createSeats: inScope((ctx, s, a) => seats.createSeats(ctx, s, a.libraryId, a.grid)),
    setSeatStatus: inScope((ctx, s, a) => seats.setSeatStatus(ctx, s, a.id, a.status)),
    createShift: inScope((_c, s, a) => seats.createShift(s, a.libraryId, a.input)),
    updateShift: inScope((_c, s, a) => seats.updateShift(s, a.id, a.input)),
  },
  Seat: {
    __resolveReference: async (ref, ctx) => {
      const s = await scope(ctx);
      const seat = isUuid(ref.id) ? await loaders(ctx, s.tenantId).seat.load(ref.id) : null;
      return seat && canSeeLibrary(s, seat.libraryId) ? tag(s.tenantId, seat) : null;
    },
    library: async (seat, _a, ctx) => tag(seat.tenantId, present(await loadersOf(ctx, seat).library.load(seat.libraryId), 'library')),
  },
  Shift: {
    __resolveReference: async (ref, ctx) => {
      const s = await scope(ctx);
      const shift = isUuid(ref.id) ? await loaders(ctx, s.tenantId).shift.load(ref.id) : null;
      return shift && canSeeLibrary(s, shift.libraryId) ? tag(s.tenantId, shift) : null;
    },
    startTime: (sh) => formatTime(sh.startMinute),
    endTime: (sh) => formatTime(sh.endMinute),
    library: async (sh, _a, ctx) => tag(sh.tenantId, present(await loadersOf(ctx, sh).library.load(sh.libraryId), 'library')),
  },
};
