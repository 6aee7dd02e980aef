// Embedded mode: the gateway calls a subgraph's schema in-process. The subgraph sees the same
// SubgraphContext it would get over HTTP, and unexpected errors are logged and masked the same way.
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { buildSubgraph, clock, inputCoercionError, isPublicCode, MASKED_MESSAGE, transientDatabaseError, subgraphContext, type Platform, type SubgraphModule } from '@studyspot/runtime';
import { metrics, SpanKind, traced } from '@studyspot/runtime/observability';
import { execute, GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from './context.ts';
import { takePrefetched, type Answer, type FetchRequest, type ForwardingSource } from './fast/answer.ts';
import { adoptSignedIn } from './signed-in.ts';

export class InProcessDataSource implements ForwardingSource {
  private readonly schema: GraphQLSchema;
  private readonly parsed = new Map<string, DocumentNode>();

  constructor(
    private readonly module: SubgraphModule,
    private readonly platform: Platform,
  ) {
    this.schema = buildSubgraph(module);
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const prefetched = takePrefetched(options.context, this.module.name, options.request.query);
    if (prefetched) return prefetched;
    return this.run(options.request, options.context, 'document' in options ? options.document : undefined);
  }

  /** The forwarding path's fetch: the result object (there are no bytes to pass on in-process). */
  async exchange(request: FetchRequest, context: GatewayContext, document?: DocumentNode): Promise<Answer> {
    const result = await this.run(request, context, document);
    return { text: null, response: () => result };
  }

  private async run(request: FetchRequest, context: GraphQLDataSourceProcessOptions<GatewayContext>['context'], document: DocumentNode | undefined): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = await traced(`subgraph ${this.module.name}`, SpanKind.INTERNAL, { 'studyspot.subgraph': this.module.name }, () => this.execute(request, context, document));
      if (!result.errors?.length) outcome = 'ok';
      return result;
    } finally {
      metrics.subgraphFetch.observe({ subgraph: this.module.name, outcome }, (performance.now() - started) / 1000);
    }
  }

  private async execute(request: FetchRequest, context: GraphQLDataSourceProcessOptions<GatewayContext>['context'], known: DocumentNode | undefined): Promise<GatewayGraphQLResponse> {
    const identity = 'identity' in context ? (context as GatewayContext).identity : { requestId: 'internal', claims: null, actingTenantId: null };
    const ctx = subgraphContext(this.platform, identity);
    // A live subscription's root fetch: its resolver reads the trigger (live/plan.ts).
    const live = (context as GatewayContext).live;
    if (live && request.query?.startsWith('subscription')) ctx.liveTrigger = live;
    try {
      const document = known ?? this.parse(request.query!);
      // A tenant on a test clock: everything this operation does reads the clock's time.
      const frozen = await this.platform.clocks.timeFor(ctx.tenantId);
      const result = await clock.at(frozen, () =>
        execute({
          schema: this.schema,
          document,
          variableValues: request.variables,
          operationName: request.operationName,
          contextValue: ctx,
        }),
      );
      if (ctx.signedIn && 'identity' in context) adoptSignedIn(context as GatewayContext, ctx.signedIn, this.platform.config.keyRing);
      if (!result.errors) return result as GatewayGraphQLResponse;
      const errors = result.errors.map((e) => {
        if (isPublicCode(e.extensions?.code)) return e;
        const input = inputCoercionError(e);
        if (input) return input;
        const transient = transientDatabaseError(e);
        if (transient) {
          ctx.logger.warn({ err: e.originalError ?? e, subgraph: this.module.name, path: e.path }, transient.message);
          return new GraphQLError(transient.message, { path: e.path, extensions: transient.extensions });
        }
        ctx.logger.error({ err: e.originalError ?? e, subgraph: this.module.name, path: e.path }, 'unexpected error');
        return new GraphQLError(MASKED_MESSAGE, { path: e.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      });
      return { ...result, errors } as GatewayGraphQLResponse;
    } finally {
      await ctx.dispose();
    }
  }

  // The gateway sends the same few subgraph operations over and over; parse each once.
  private parse(query: string): DocumentNode {
    let doc = this.parsed.get(query);
    if (!doc) {
      doc = parse(query);
      if (this.parsed.size >= 1_000) this.parsed.clear();
      this.parsed.set(query, doc);
    }
    return doc;
  }
}
