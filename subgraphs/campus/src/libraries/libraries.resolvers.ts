import { isUuid } from '@studyspot/runtime';
import { tag, tagAll, loaders } from '../shared/loaders.ts';
import { inScope, loadersOf, pageOf } from '../shared/resolve.ts';
import { canSeeLibrary, scope, visibleLibrary } from '../shared/scope.ts';
import { listStudents } from '../students/students.service.ts';
import * as libraries from './libraries.service.ts';
import type { OpeningHours, Resolvers } from '../generated/resolvers.ts';

export const librariesResolvers: Resolvers = {
  Query: {
    library: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return tag(s.tenantId, await visibleLibrary(s, a.id));
    },
    libraries: async (_p, a, ctx) => {
      const s = await scope(ctx);
      return pageOf(s.tenantId, a.near ? libraries.librariesNear(s, a, a.near, a.filter) : libraries.listLibraries(s, a, a.filter));
    },
  },
  Mutation: {
    createLibrary: inScope((ctx, s, a) => libraries.createLibrary(ctx, s, a.input)),
    updateLibrary: inScope((_c, s, a) => libraries.updateLibrary(s, a.id, a.input)),
  },
  Library: {
    __resolveReference: async (ref, ctx) => {
      const s = await scope(ctx);
      return isUuid(ref.id) && canSeeLibrary(s, ref.id) ? tag(s.tenantId, await loaders(ctx, s.tenantId).library.load(ref.id)) : null;
    },
    // A JSON column: written only through the validated LibraryInput (libraries.service), so it holds this shape.
    openingHours: (l) => l.openingHours as OpeningHours[],
    distanceKm: (l) => l.distanceKm ?? null,
    seatCount: (l, _a, ctx) => loadersOf(ctx, l).seatCount.load(l.id),
    seats: async (l, _a, ctx) => tagAll(l.tenantId, await loadersOf(ctx, l).seatsOf.load(l.id)),
    shifts: async (l, _a, ctx) => tagAll(l.tenantId, await loadersOf(ctx, l).shiftsOf.load(l.id)),
    students: async (l, a, ctx) => {
      ctx.authorizeTenant('tenant:students:read', l.tenantId);
      const s = await scope(ctx, l.tenantId);
      return pageOf(s.tenantId, listStudents(s, a, { libraryId: l.id }));
    },
  },
  Tenant: {
    __resolveReference: (ref) => ({ id: ref.id }),
    libraries: async (t, a, ctx) => {
      ctx.authorizeTenant('tenant:libraries:read', t.id);
      const s = await scope(ctx, t.id);
      return pageOf(s.tenantId, libraries.listLibraries(s, a));
    },
  },
};
