// What a data source hands back to the forwarding path: the subgraph's answer before the gateway
// has looked inside it, and the way to look inside it when it must (the general path's form).
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { DocumentNode } from 'graphql';
import type { GatewayContext } from '../context.ts';

export interface Answer {
  /** The subgraph's JSON text as received (HTTP 200), or null (in-process, or any other status). */
  text: string | null;
  /** The answer as the general path receives it (parsed on first use). */
  response(): GatewayGraphQLResponse;
}

export type FetchRequest = GraphQLDataSourceProcessOptions<GatewayContext>['request'];

/** A data source the forwarding path can call: one fetch, answer unparsed. */
export interface ForwardingSource extends GraphQLDataSource<GatewayContext> {
  exchange(request: FetchRequest, context: GatewayContext, document?: DocumentNode): Promise<Answer>;
}

/**
 * A fetch the forwarding path already made whose answer needs the general path (it carries errors,
 * or extensions): the general path then runs with this answer in place of its one fetch, so an
 * operation is never sent to a subgraph twice (a mutation must not run twice).
 */
export interface Prefetched {
  subgraph: string;
  query: string;
  response: GatewayGraphQLResponse;
}

/** The prefetched answer for this fetch, once; null when the general path must fetch. */
export function takePrefetched(context: unknown, subgraph: string, query: string | undefined): GatewayGraphQLResponse | null {
  const ctx = context as GatewayContext | undefined;
  const pre = ctx?.prefetched;
  if (!pre || pre.subgraph !== subgraph || pre.query !== query) return null;
  ctx.prefetched = undefined;
  return pre.response;
}
