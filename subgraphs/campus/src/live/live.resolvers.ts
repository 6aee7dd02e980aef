// Campus's live subscriptions (the gateway runs them: gateway/src/live/). Each message is computed
// from the database when it is sent, for the group's scope, so it is the latest state and nobody
// sees a library outside their tenant or branches.
import { AppError, isUuid, liveTrigger, topics, type BusEvent, type LiveField, type LiveFields, type LiveResolver } from '@studyspot/runtime';
import * as attendance from '../attendance/attendance.service.ts';
import { seatMapView } from '../seats/seat-map.service.ts';
import { tag, tagAll } from '../shared/loaders.ts';
import { scope, visibleLibrary } from '../shared/scope.ts';
import type { OccupancyChangeKind, ResolversTypes, SubscriptionLibraryOccupancyArgs, SubscriptionSeatMapArgs } from '../generated/resolvers.ts';

type LibraryArgs = SubscriptionLibraryOccupancyArgs;
type SeatMapArgs = SubscriptionSeatMapArgs;

const DOOR = new Set(['CHECK_IN', 'CHECK_OUT']);
/** Everything on a library's topic that can change a seat's state on the map (and every ALLOCATION_*). */
const SEAT_EVENTS = new Set(['CHECK_IN', 'CHECK_OUT', 'SEATS_CREATED', 'SEAT_STATUS_CHANGED', 'SEAT_OFFERED', 'SEAT_OFFER_EXPIRED']);

const libraryTopic = (a: LibraryArgs, c: { tenantId: string }) => (isUuid(a.libraryId) ? topics.library(c.tenantId, a.libraryId) : null);

const occupancyField: LiveField<LibraryArgs> = { kind: 'state', topic: libraryTopic, accepts: (e) => DOOR.has(e.type) };
const seatMapField: LiveField<SeatMapArgs> = {
  kind: 'state',
  topic: libraryTopic,
  accepts: (e) => SEAT_EVENTS.has(e.type) || e.type.startsWith('ALLOCATION_'),
};

export const campusLive: LiveFields = { libraryOccupancy: occupancyField, seatMap: seatMapField } as LiveFields;

const noLibrary = () => new AppError('NOT_FOUND', 'No such library', { path: ['libraryId'] });

export const liveResolvers: {
  Subscription: {
    libraryOccupancy: LiveResolver<ResolversTypes['OccupancyUpdate'], LibraryArgs>;
    seatMap: LiveResolver<ResolversTypes['SeatMapUpdate'], SeatMapArgs>;
  };
} = {
  Subscription: {
    libraryOccupancy: async (root, a, ctx) => {
      const t = liveTrigger(root, 'libraryOccupancy', ctx.liveTrigger);
      const s = await scope(ctx);
      if (!(await visibleLibrary(s, a.libraryId))) throw noLibrary();
      const door = t.events.filter((e): e is BusEvent & { type: OccupancyChangeKind; visitId: string; at: string } => DOOR.has(e.type) && typeof e.visitId === 'string' && isUuid(e.visitId));
      const [o, visits] = await Promise.all([
        attendance.occupancy(s, a.libraryId),
        attendance.visitsOfEvents(s, door.map((e) => e.visitId), a.libraryId),
      ]);
      const byId = new Map(tagAll(s.tenantId, visits).map((v) => [v.id, v]));
      const changes = door.filter((e) => byId.has(e.visitId)).map((e) => ({ sequence: e.seq ?? t.sequence, kind: e.type, at: new Date(e.at), visit: byId.get(e.visitId) }));
      return { sequence: t.sequence, snapshot: t.snapshot, occupancy: { ...o, library: tag(s.tenantId, o.library) }, changes, droppedChanges: t.dropped };
    },
    seatMap: async (root, a, ctx) => {
      const t = liveTrigger(root, 'seatMap', ctx.liveTrigger);
      const s = await scope(ctx);
      if (!(await visibleLibrary(s, a.libraryId))) throw noLibrary();
      const map = await seatMapView(s, a);
      if (!map) throw new AppError('NOT_FOUND', 'No such shift in this library', { path: ['shiftId'] });
      const changed = [...new Set(t.events.map((e) => e.seatId).filter((id): id is string => typeof id === 'string'))];
      return { sequence: t.sequence, snapshot: t.snapshot, seatMap: map, changedSeatIds: changed };
    },
  },
};
