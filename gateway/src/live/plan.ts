// Planning a subscription once, and running its plan once per message of a group.
//
// @apollo/gateway plans subscriptions (a SubscriptionNode: `primary`, the fetch to the subgraph that
// owns the root field, then `rest`, the entity fetches to other subgraphs) but refuses to execute
// them. We rewrite the plan as an ordinary sequence — primary, then rest — and execute it with the
// gateway's own executeQueryPlan and data sources. The primary fetch carries the LiveTrigger in the
// context (in-process: SubgraphContext.liveTrigger; over HTTP: the request's extensions), so the
// owning subgraph's resolver computes the payload from its database for the group's scope.
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { LiveTrigger, Logger, RequestIdentity } from '@studyspot/runtime';
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../context.ts';

export interface PreparedSubscription {
  /** The root Subscription field (exactly one: GraphQL's own rule for subscriptions). */
  field: string;
  operation: OperationDefinitionNode;
  plan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

export interface LiveStats {
  /** Query plan executions (one per message per group). */
  executions: number;
  /** Subgraph fetches made by those executions. */
  fetches: number;
}

const badRequest = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });

export class LivePlanner {
  /** Shared with the forwarding path (fast/forward-plan.ts): one planner per supergraph. */
  readonly planner: QueryPlanner;
  readonly apiSchema: Schema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly cache = new Map<string, PreparedSubscription>();
  private readonly services: ServiceMap;
  readonly stats: LiveStats = { executions: 0, fetches: 0 };

  constructor(
    supergraphSdl: string,
    readonly schema: GraphQLSchema,
    services: Record<string, GraphQLDataSource<GatewayContext>>,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.planner = new QueryPlanner(supergraph);
    this.apiSchema = supergraph.apiSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    // Every fetch is counted, so a test can show that fetches grow with events, not with subscribers.
    this.services = Object.fromEntries(
      Object.entries(services).map(([name, source]) => [name, { process: (o: Parameters<GraphQLDataSource<GatewayContext>['process']>[0]) => (this.stats.fetches++, source.process(o)) }]),
    );
  }

  /** Plans a validated subscription document (cached by its text and operation name). */
  prepare(source: string, document: DocumentNode, operationName: string | null): PreparedSubscription {
    const key = `${operationName ?? ''}\u0000${source}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const operationContext = buildOperationContext({ schema: this.schema, operationDocument: document, operationName: operationName ?? undefined });
    const { operation } = operationContext;
    const root = operation.selectionSet.selections[0];
    if (operation.operation !== 'subscription' || root?.kind !== 'Field') throw badRequest('Only subscriptions run over WebSocket; send queries and mutations to POST /graphql');
    let plan: QueryPlan;
    try {
      plan = this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName: operationName ?? undefined }));
    } catch (err) {
      // The planner refuses @include/@skip on the root subscription field and @defer.
      throw badRequest(`This subscription cannot be planned: ${(err as Error).message}`);
    }
    const node = plan.node;
    if (node?.kind !== 'Subscription') throw badRequest('Not a subscription');
    const rest: PlanNode[] = !node.rest ? [] : node.rest.kind === 'Sequence' ? node.rest.nodes : [node.rest];
    const prepared: PreparedSubscription = {
      field: root.name.value,
      operation,
      plan: { kind: 'QueryPlan', node: rest.length ? { kind: 'Sequence', nodes: [node.primary, ...rest] } : node.primary },
      operationContext,
    };
    if (this.cache.size >= 500) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, prepared);
    return prepared;
  }

  /** One execution of the plan for one message: the primary with the trigger, then the entity fetches. */
  async execute(p: PreparedSubscription, variables: Record<string, unknown>, identity: RequestIdentity, logger: Logger, trigger: LiveTrigger): Promise<ExecutionResult> {
    this.stats.executions++;
    const context: GatewayContext = { identity, logger, live: trigger };
    const requestContext = { request: { variables }, context, logger, metrics: {}, cache: undefined } as unknown as GatewayGraphQLRequestContext;
    return (await executeQueryPlan(p.plan, this.services, requestContext, p.operationContext, this.supergraphSchema, this.apiSchema)) as ExecutionResult;
  }
}
