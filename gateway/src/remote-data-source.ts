// Services layout: the gateway calls a subgraph over HTTP with the request's identity in headers
// (believed only with the shared gateway secret). Two things the stock data source gets wrong here:
// a subgraph answers a refused input with HTTP 400 and a coded GraphQL body, which the stock source
// turns into an uncoded error (INTERNAL_SERVER_ERROR at the client); and a sign-in's token must
// carry over to the fetches that follow it.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { HEADER, identityHeaders, type Platform } from '@studyspot/runtime';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.ts';
import { adoptSignedIn } from './signed-in.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/** A 400 whose body is a GraphQL response is an answer (its errors carry codes), not a transport failure. */
const graphqlAware: Fetcher = (async (url: string, init: RequestInit) => {
  const res = await fetch(url, init);
  if (res.status !== 400 || !res.headers.get('content-type')?.startsWith('application/json')) return res;
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) return new Response(text, { status: 200, headers: res.headers });
  } catch {
    // not JSON after all: keep the 400
  }
  return new Response(text, { status: 400, statusText: res.statusText, headers: res.headers });
}) as unknown as Fetcher;

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly platform: Platform,
  ) {
    super({ url, fetcher: graphqlAware });
  }

  /**
   * A subgraph that cannot be reached (refused, reset, timed out, answering 5xx) is SERVICE_UNAVAILABLE
   * for its part of the answer; the rest of the operation still resolves.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      const context = options.context as Partial<GatewayContext>;
      context.logger?.warn({ err, subgraph: this.url }, 'subgraph unreachable');
      return { errors: [new GraphQLError('A service this answer needs is unavailable right now; try again shortly', { extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } })] } as GatewayGraphQLResponse;
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('identity' in context)) return;
    for (const [k, v] of Object.entries(identityHeaders(context.identity, this.platform.config.gatewaySecret))) request.http?.headers.set(k, v);
    // A live subscription's root fetch carries its trigger to the owning subgraph (live/plan.ts).
    if (context.live && request.query?.startsWith('subscription')) request.extensions = { ...request.extensions, live: context.live };
  }

  override didReceiveResponse({ response, context }: Required<Pick<GatewayGraphQLRequestContext<GatewayContext>, 'request' | 'response' | 'context'>>): GatewayGraphQLResponse {
    if ('identity' in context) adoptSignedIn(context, response.http?.headers.get(HEADER.signedIn), this.platform.config.keyRing);
    return response;
  }
}
