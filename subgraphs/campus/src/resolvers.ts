import {
  byIds,
  isUuid,
  DateTimeScalar,
  paginate,
  type ConnectionArgs,
  type Resolvers,
  type SubgraphContext,
} from '@studyspot/runtime';
import {
  countSeatsByLibrary,
  findLibrariesByIds,
  findStudentsByIds,
  listLibraries,
  listStudents,
  type LibraryRow,
  tenantCounts,
  type StudentRow,
} from './campus.repository.ts';


// Rows carry the tenant they were read from, so nested fields query the same tenant database.
type InTenant<T> = T & { tenantId: string };
const tag = <T>(tenantId: string, row: T | null): InTenant<T> | null => (row ? { ...row, tenantId } : null);

function libraryLoader(ctx: SubgraphContext, tenantId: string) {
  return ctx.loader<string, LibraryRow | null>(`library:${tenantId}`, async (ids) =>
    byIds(ids, await findLibrariesByIds(await ctx.tenantDb(tenantId), ids)),
  );
}

function studentLoader(ctx: SubgraphContext, tenantId: string) {
  return ctx.loader<string, StudentRow | null>(`student:${tenantId}`, async (ids) =>
    byIds(ids, await findStudentsByIds(await ctx.tenantDb(tenantId), ids)),
  );
}

function seatCountLoader(ctx: SubgraphContext, tenantId: string) {
  return ctx.loader<string, number>(`seatCount:${tenantId}`, async (ids) => {
    const counts = await countSeatsByLibrary(await ctx.tenantDb(tenantId), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
}

async function libraryById(ctx: SubgraphContext, id: string) {
  const tenantId = ctx.authorizeTenant('tenant:libraries:read');
  return isUuid(id) ? tag(tenantId, await libraryLoader(ctx, tenantId).load(id)) : null;
}

async function studentById(ctx: SubgraphContext, id: string) {
  const tenantId = ctx.authorizeTenant('tenant:students:read');
  return isUuid(id) ? tag(tenantId, await studentLoader(ctx, tenantId).load(id)) : null;
}

async function librariesPage(ctx: SubgraphContext, tenantId: string, args: ConnectionArgs) {
  const db = await ctx.tenantDb(tenantId);
  const page = await paginate(args, (take, where) => listLibraries(db, take, where));
  return { ...page, edges: page.edges.map((e) => ({ ...e, node: tag(tenantId, e.node) })) };
}

async function studentsPage(ctx: SubgraphContext, tenantId: string, args: ConnectionArgs, filter: { libraryId?: string; search?: string | null }) {
  const db = await ctx.tenantDb(tenantId);
  const page = await paginate(args, (take, where) => listStudents(db, take, where, filter));
  return { ...page, edges: page.edges.map((e) => ({ ...e, node: tag(tenantId, e.node) })) };
}

function countsFor(ctx: SubgraphContext, tenantId: string) {
  return ctx
    .loader<string, Awaited<ReturnType<typeof tenantCounts>>>('tenantCounts', (ids) => Promise.all(ids.map(async (id) => tenantCounts(await ctx.tenantDb(id)))))
    .load(tenantId);
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    library: (_p, args: { id: string }, ctx) => libraryById(ctx, args.id),
    libraries: (_p, args: ConnectionArgs, ctx) => librariesPage(ctx, ctx.authorizeTenant('tenant:libraries:read'), args),
    student: (_p, args: { id: string }, ctx) => studentById(ctx, args.id),
    students: (_p, args: ConnectionArgs & { search?: string | null }, ctx) =>
      studentsPage(ctx, ctx.authorizeTenant('tenant:students:read'), args, { search: args.search }),
  },
  Library: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => libraryById(ctx, ref.id),
    seatCount: (l: InTenant<LibraryRow>, _a, ctx) => seatCountLoader(ctx, l.tenantId).load(l.id),
    students: (l: InTenant<LibraryRow>, args: ConnectionArgs, ctx) => {
      ctx.authorizeTenant('tenant:students:read', l.tenantId);
      return studentsPage(ctx, l.tenantId, args, { libraryId: l.id });
    },
  },
  Student: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => studentById(ctx, ref.id),
    library: async (s: InTenant<StudentRow>, _a, ctx) =>
      s.libraryId ? tag(s.tenantId, await libraryLoader(ctx, s.tenantId).load(s.libraryId)) : null,
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:read', ref.tenantId) }),
    libraryCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).libraryCount,
    seatCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).seatCount,
    studentCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).studentCount,
    activeStudentCount: async (s: { tenantId: string }, _a, ctx) => (await countsFor(ctx, s.tenantId)).activeStudentCount,
  },
  Tenant: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    libraries: (t: { id: string }, args: ConnectionArgs, ctx) =>
      librariesPage(ctx, ctx.authorizeTenant('tenant:libraries:read', t.id), args),
  },
};
