// What campus resolvers share: run a service in the caller's tenant scope, and tag the rows a payload
// or a page carries with their tenant, so nested fields read the same tenant's database.
import type { Connection, SubgraphContext } from '@studyspot/runtime';
import { loaders, tag, tagAll, type InTenant } from './loaders.ts';
import { scope, type Scope } from './scope.ts';

const ROW_KEYS = ['library', 'seat', 'shift', 'student', 'allocation', 'entry', 'visit'] as const;
type RowKey = (typeof ROW_KEYS)[number];
type TagRow<V> = V extends object ? InTenant<V> : V;
/** A payload whose rows carry their tenant (what `tagPayload` returns). */
export type Tagged<P> = {
  [K in keyof P]: K extends RowKey ? TagRow<P[K]> : K extends 'seats' ? (P[K] extends (infer E extends object)[] ? InTenant<E>[] : P[K]) : P[K];
};

/** Tags the rows a payload carries with the tenant, so their nested fields resolve. */
export function tagPayload<P extends object>(tenantId: string, p: P): Tagged<P> {
  const out = { ...p } as Record<string, unknown>;
  for (const k of ROW_KEYS) {
    const v = out[k];
    if (v && typeof v === 'object') out[k] = tag(tenantId, v as object);
  }
  if (Array.isArray(out.seats)) out.seats = tagAll(tenantId, out.seats as object[]);
  return out as Tagged<P>;
}

/** Runs a service in the caller's tenant scope and tags what it returns. */
export const inScope =
  <A, R extends object>(fn: (ctx: SubgraphContext, s: Scope, args: A) => R | Promise<R>) =>
  async (_p: unknown, args: A, ctx: SubgraphContext) => {
    const s = await scope(ctx);
    return tagPayload(s.tenantId, await fn(ctx, s, args));
  };

/** A page whose nodes are tagged with the tenant. */
export async function pageOf<T extends { createdAt: Date; id: string }>(tenantId: string, p: Promise<Connection<T>>): Promise<Connection<InTenant<T>>> {
  const page = await p;
  return { ...page, edges: page.edges.map((e) => ({ ...e, node: { ...e.node, tenantId } })) };
}

/** The loaders of the tenant a (tagged) row came from. */
export const loadersOf = (ctx: SubgraphContext, row: { tenantId: string }) => loaders(ctx, row.tenantId);

