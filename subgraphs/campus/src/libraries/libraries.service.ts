// Libraries (branches): create, edit, list with filters, and find by distance.
import { AppError, paginate, type ConnectionArgs, type SubgraphContext } from '@studyspot/runtime';
import { campusError, fail, isUserError as isError, type CampusUserError } from '../errors.ts';
import { planLimitError } from '../shared/plan-limits.ts';
import { visibleLibrary, type Scope } from '../shared/scope.ts';
import * as repo from './libraries.repository.ts';
import { hoursProblem } from './opening-hours.ts';

export type { LibraryFilter } from './libraries.repository.ts';

export type OpeningHoursInput = {
  weekday: number;
  opens: string;
  closes: string;
};

export interface LibraryInput {
  name?: string | null;
  address?: string | null;
  city?: string | null;
  state?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  openingHours?: OpeningHoursInput[] | null;
  amenities?: string[] | null;
  capacity?: number | null;
  status?: 'ACTIVE' | 'CLOSED' | 'ARCHIVED' | null;
}

/** What validation lets through, in the shape the repository writes. */
type LibraryData = {
  name?: string;
  address?: string;
  city?: string;
  state?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  openingHours?: OpeningHoursInput[];
  amenities?: string[];
  capacity?: number;
  status?: 'ACTIVE' | 'CLOSED' | 'ARCHIVED';
};

function validate(input: LibraryInput, creating: boolean): LibraryData | CampusUserError {
  const out: LibraryData = {};
  const text = (k: 'name' | 'address' | 'city', required: boolean) => {
    const v = input[k];
    if (v === undefined || v === null) return required && creating ? campusError('INVALID_INPUT', `${k} is required`, 'input', k) : null;
    if (!v.trim() && required) return campusError('INVALID_INPUT', `${k} is required`, 'input', k);
    out[k] = v.trim();
    return null;
  };
  const e = text('name', true) ?? text('city', true) ?? text('address', false);
  if (e) return e;
  if (input.state !== undefined) {
    if (input.state && !/^[A-Za-z]{2}$/.test(input.state)) return campusError('INVALID_INPUT', 'state is a two-letter code', 'input', 'state');
    out.state = input.state?.toUpperCase() ?? null;
  }
  for (const [k, lim] of [['latitude', 90], ['longitude', 180]] as const) {
    const v = input[k];
    if (v === undefined) continue;
    if (v !== null && (!Number.isFinite(v) || Math.abs(v) > lim)) return campusError('INVALID_INPUT', `${k} must be between -${lim} and ${lim}`, 'input', k);
    out[k] = v;
  }
  if ((out.latitude == null) !== (out.longitude == null) && (input.latitude !== undefined || input.longitude !== undefined)) {
    return campusError('INVALID_INPUT', 'latitude and longitude go together', 'input', 'latitude');
  }
  if (input.openingHours) {
    const seen = new Set<number>();
    for (const [i, h] of input.openingHours.entries()) {
      if (!Number.isInteger(h.weekday) || h.weekday < 0 || h.weekday > 6 || seen.has(h.weekday)) return campusError('INVALID_INPUT', 'weekday must be 0-6, each at most once', 'input', 'openingHours', String(i));
      const problem = hoursProblem(h);
      if (problem) return campusError('INVALID_INPUT', problem, 'input', 'openingHours', String(i));
      seen.add(h.weekday);
    }
    out.openingHours = [...input.openingHours].sort((a, b) => a.weekday - b.weekday);
  }
  if (input.amenities) out.amenities = [...new Set(input.amenities.map((a) => a.trim().toLowerCase()).filter(Boolean))];
  if (input.capacity !== undefined && input.capacity !== null) {
    if (!Number.isInteger(input.capacity) || input.capacity < 0 || input.capacity > 10_000) return campusError('INVALID_INPUT', 'capacity must be 0-10000', 'input', 'capacity');
    out.capacity = input.capacity;
  }
  if (input.status) out.status = input.status;
  return out;
}

export async function createLibrary(ctx: SubgraphContext, s: Scope, input: LibraryInput) {
  if (s.libraryIds) return fail('INVALID_STATE', 'Branch-limited accounts cannot add libraries');
  const data = validate(input, true);
  if (isError(data)) return { userErrors: [data] };
  const limited = await planLimitError(ctx, s, 'libraries', 1);
  if (limited) return limited;
  const library = await repo.createLibrary(s.db, { ...data, name: data.name!, city: data.city! });
  await ctx.audit({ action: 'library.create', targetType: 'Library', targetId: library.id, tenantId: s.tenantId });
  return { library, userErrors: [] };
}

export async function updateLibrary(s: Scope, id: string, input: LibraryInput) {
  if (!(await visibleLibrary(s, id))) return fail('NOT_FOUND', 'No such library');
  const data = validate(input, false);
  if (isError(data)) return { userErrors: [data] };
  return { library: await repo.updateLibrary(s.db, id, data), userErrors: [] };
}

export function listLibraries(s: Scope, args: ConnectionArgs, f?: repo.LibraryFilter | null) {
  return paginate(args, (take, where) => repo.listLibraries(s.db, take, where, s.libraryIds, f));
}

const EARTH_KM = 6371;

/**
 * Libraries within `radiusKm` of a point, nearest first. A bounding box on (latitude, longitude)
 * narrows the rows (index), the haversine distance orders and cuts them. The cursor is the offset
 * into that order (a distance list has no stable keyset).
 */
export async function librariesNear(s: Scope, args: ConnectionArgs, near: { lat: number; lng: number; radiusKm: number }, f?: repo.LibraryFilter | null) {
  if (!(near.radiusKm > 0 && near.radiusKm <= 100) || Math.abs(near.lat) > 90 || Math.abs(near.lng) > 180) {
    throw new AppError('BAD_USER_INPUT', 'near needs lat -90..90, lng -180..180 and radiusKm in (0, 100]', { field: 'near' });
  }
  const dLat = (near.radiusKm / EARTH_KM) * (180 / Math.PI);
  const dLng = dLat / Math.max(Math.cos((near.lat * Math.PI) / 180), 0.01);
  const candidates = await repo.librariesInBox(s.db, s.libraryIds, f, { lat: [near.lat - dLat, near.lat + dLat], lng: [near.lng - dLng, near.lng + dLng] });
  const rad = (x: number) => (x * Math.PI) / 180;
  const withDistance = candidates
    .map((l) => {
      const a = Math.sin(rad(l.latitude! - near.lat) / 2) ** 2 + Math.cos(rad(near.lat)) * Math.cos(rad(l.latitude!)) * Math.sin(rad(l.longitude! - near.lng) / 2) ** 2;
      return { ...l, distanceKm: Math.round(2 * EARTH_KM * Math.asin(Math.sqrt(a)) * 1000) / 1000 };
    })
    .filter((l) => l.distanceKm <= near.radiusKm)
    .sort((a, b) => a.distanceKm - b.distanceKm || a.id.localeCompare(b.id));
  const offset = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) : 0;
  const size = Math.min(args.first ?? 20, 100);
  const page = withDistance.slice(offset, offset + size);
  const cursor = (i: number) => Buffer.from(String(offset + i + 1)).toString('base64url');
  return {
    edges: page.map((node, i) => ({ node, cursor: cursor(i) })),
    pageInfo: { hasNextPage: offset + size < withDistance.length, hasPreviousPage: offset > 0, startCursor: page.length ? cursor(0) : null, endCursor: page.length ? cursor(page.length - 1) : null },
  };
}


/** Ids of the tenant's active libraries (the campus work closes their forgotten visits). */
export const activeLibraries = (s: Scope) => repo.activeLibraryIds(s.db);
