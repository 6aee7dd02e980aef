// Where the operation guard meets the HTTP request. It runs while the request context is built:
// after the caller is identified and before Apollo Server parses, validates or plans anything (an
// error thrown there becomes the response, with its `http.status`). Automatic persisted queries are
// off, so every request carries the document the guard measured.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { Admitted, OperationGuard } from './guard.ts';

function graphqlRequest(req: Request): { query: unknown; operationName: unknown; variables: unknown } | null {
  if (req.method === 'GET') {
    const q = req.query as Record<string, unknown>;
    let variables: unknown = undefined;
    if (typeof q.variables === 'string') {
      try {
        variables = JSON.parse(q.variables);
      } catch {
        // Apollo Server answers malformed variables itself
      }
    }
    return { query: q.query, operationName: q.operationName, variables };
  }
  const body: unknown = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as { query: unknown; operationName: unknown; variables: unknown }) : null;
}

/** Measures the request's operation against the caller's limits; throws the coded refusal. */
export function admit(guard: OperationGuard, req: Request, context: GatewayContext, production: boolean): Admitted | null {
  const r = graphqlRequest(req);
  // No document (a batch, a malformed body, a persisted-query hash): Apollo Server refuses those itself.
  if (!r || typeof r.query !== 'string') return null;
  const admitted = guard.check({
    source: r.query,
    operationName: typeof r.operationName === 'string' ? r.operationName : null,
    variables: r.variables && typeof r.variables === 'object' && !Array.isArray(r.variables) ? (r.variables as Record<string, unknown>) : {},
    anonymous: !context.identity.claims,
    production,
  });
  if (admitted.operation.operation === 'subscription') {
    throw new GraphQLError('Subscriptions run over WebSocket: open ws(s)://<this host>/graphql with the graphql-transport-ws protocol (graphql-ws), and send your token in connection_init', {
      extensions: { code: 'BAD_REQUEST', transport: 'graphql-transport-ws', http: { status: 400 } },
    });
  }
  return admitted;
}

/** "Did you mean …?" tells an anonymous prober the schema; production leaves it out for them. */
const SUGGESTION = / ?Did you mean .+\?$/;

export function hideSuggestionsPlugin(production: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!production || contextValue.identity.claims) return;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const e of response.body.singleResult.errors ?? []) {
            if (SUGGESTION.test(e.message)) (e as { message: string }).message = e.message.replace(SUGGESTION, '');
          }
        },
      };
    },
  };
}
