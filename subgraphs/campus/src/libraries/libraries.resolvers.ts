import { isUuid, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { tag, tagAll, loaders, type InTenant, type LibraryRow } from '../shared/loaders.ts';
import { inScope, L, pageOf, type Args } from '../shared/resolve.ts';
import { canSeeLibrary, scope, visibleLibrary } from '../shared/scope.ts';
import { listStudents } from '../students/students.service.ts';
import * as libraries from './libraries.service.ts';

export const librariesResolvers: Resolvers = {
  Query: {
    library: async (_p, a: { id: string }, ctx) => {
      const s = await scope(ctx);
      return tag(s.tenantId, await visibleLibrary(s, a.id));
    },
    libraries: async (_p, a: ConnectionArgs & { filter?: libraries.LibraryFilter | null; near?: { lat: number; lng: number; radiusKm: number } | null }, ctx) => {
      const s = await scope(ctx);
      return pageOf(s.tenantId, a.near ? libraries.librariesNear(s, a, a.near, a.filter) : libraries.listLibraries(s, a, a.filter));
    },
  },
  Mutation: {
    createLibrary: inScope((ctx, s, a: { input: libraries.LibraryInput }) => libraries.createLibrary(ctx, s, a.input)),
    updateLibrary: inScope((_c, s, a: { id: string; input: libraries.LibraryInput }) => libraries.updateLibrary(s, a.id, a.input)),
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
      const s = await scope(ctx, l.tenantId);
      return pageOf(s.tenantId, listStudents(s, a, { libraryId: l.id }));
    },
  },
  Tenant: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    libraries: async (t: { id: string }, a: ConnectionArgs, ctx) => {
      ctx.authorizeTenant('tenant:libraries:read', t.id);
      const s = await scope(ctx, t.id);
      return pageOf(s.tenantId, libraries.listLibraries(s, a));
    },
  },
};
