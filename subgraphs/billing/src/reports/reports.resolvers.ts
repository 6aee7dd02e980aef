// Collections: the tenant's report, and each library's (Library.collections).
import { can, forbidden, isUuid, type Resolvers } from '@studyspot/runtime';
import { L } from '../loaders.ts';
import { collections } from './collections.ts';

export const reportsResolvers: Resolvers = {
  Query: {
    collectionsReport: async (_p, a: { from: Date; to: Date; libraryId?: string | null }, ctx) => {
      const { s } = await L(ctx);
      const only = a.libraryId ? (isUuid(a.libraryId) ? [a.libraryId] : []) : null;
      const libraryIds = s.libraryIds && only ? only.filter((id) => s.libraryIds!.includes(id)) : (only ?? s.libraryIds);
      return collections(s.db, a, { libraryIds });
    },
  },
  Library: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    collections: async (lib: { id: string }, a: { from: Date; to: Date }, ctx) => {
      if (!ctx.claims || !can(ctx.claims.role, 'tenant:analytics:read')) throw forbidden('Collections are analytics: owners, managers and the platform see them');
      const { s } = await L(ctx);
      if (s.libraryIds && !s.libraryIds.includes(lib.id)) throw forbidden('This library is outside your branches');
      return collections(s.db, a, { libraryIds: [lib.id] });
    },
  },
  LibraryCollection: {
    library: (c: { libraryId: string | null }) => (c.libraryId ? { __typename: 'Library', id: c.libraryId } : null),
  },
};
