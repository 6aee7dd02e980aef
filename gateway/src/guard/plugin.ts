// Where the operation guard meets the HTTP request. It runs while the request context is built:
// after the caller is identified and before Apollo Server parses, validates or plans anything (an
// error thrown there becomes the response, with its `http.status`). Automatic persisted queries are
// off: a document sent by its hash is one of the trusted manifests', whose text the gateway put in
// the request before this runs (fast/trusted.ts), so the guard measures what runs.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { TrustedDocuments } from '../fast/trusted.ts';
import type { Admitted, OperationGuard } from './guard.ts';

export interface GraphqlBody {
  query: unknown;
  operationName: unknown;
  variables: unknown;
}

/** The operation a request carries (GET's query string or a POST's parsed body); null for a batch or no body. */
export function graphqlRequest(req: Request): GraphqlBody | null {
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
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphqlBody) : null;
}

/**
 * Measures the request's operation against the caller's limits, and against the trusted documents
 * when TRUSTED_DOCUMENTS asks it of this caller; throws the coded refusal. `key` names a document
 * sent by its trusted hash, so the guard's memory is found without hashing its text.
 */
export function admit(guard: OperationGuard, r: GraphqlBody | null, context: GatewayContext, production: boolean, trusted: TrustedDocuments, key?: string): Admitted | null {
  // No document (a batch, a malformed body): Apollo Server refuses those itself.
  if (!r || typeof r.query !== 'string') return null;
  const anonymous = !context.identity.claims;
  const admitted = guard.check({
    source: r.query,
    key,
    operationName: typeof r.operationName === 'string' ? r.operationName : null,
    variables: r.variables && typeof r.variables === 'object' && !Array.isArray(r.variables) ? (r.variables as Record<string, unknown>) : {},
    anonymous,
    production,
  });
  if (!key) trusted.require(r.query, admitted.document, anonymous);
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
