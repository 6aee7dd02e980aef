// The seat map as the API returns it (Query.seatMap and the live Subscription.seatMap): rows tagged
// with their tenant so nested fields resolve.
import { isUuid } from '@studyspot/runtime';
import { tag } from '../shared/loaders.ts';
import type { Scope } from '../shared/scope.ts';
import * as seats from './seats.service.ts';

export async function seatMapView(s: Scope, a: { libraryId: string; date: Date; shiftId: string }) {
  if (!isUuid(a.libraryId) || !isUuid(a.shiftId)) return null;
  const map = await seats.seatMap(s, a.libraryId, a.date, a.shiftId);
  if (!map) return null;
  return {
    ...map,
    library: tag(s.tenantId, map.library),
    shift: tag(s.tenantId, map.shift),
    entries: map.entries.map((e) => ({ state: e.state, seat: tag(s.tenantId, e.seat), allocation: tag(s.tenantId, e.allocation), occupant: tag(s.tenantId, e.occupant) })),
  };
}
