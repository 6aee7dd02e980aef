// Forwarding without re-execution (issue 23): for an operation whose plan is one fetch of the
// client's own selection (forward-plan.ts), the gateway makes that fetch — the same request the
// general path would make: the planner's operation text and name, the variables it uses — and, when
// the answer is data and nothing else, returns the subgraph's bytes as they came. Otherwise the answer
// goes to the general path as its one fetch (answer.ts: Prefetched).
//
// GATEWAY_FORWARD_VERIFY=1 (the test suite's setting, never production's) also runs the general path
// on the same answer for every forwarded operation and refuses the request with FORWARDING_MISMATCH
// if the two answers differ in any byte of their JSON, so every operation the tests send checks it.
import type { ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import type { Admitted } from '../guard/guard.ts';
import type { ForwardingSource, Prefetched } from './answer.ts';
import type { ForwardPlanner } from './forward-plan.ts';

/** The subgraph's text to send; `fetched` gives the same answer in the general path's form (for verification). */
export type Forwarded = { text: string; fetched: () => Prefetched } | { prefetched: Prefetched };

/** Data and nothing else: no errors, no extensions (the general path would drop the subgraph's). */
const plainData = (text: string) => text.startsWith('{"data":{') && !text.includes('"errors":') && !text.includes('"extensions":');

export class Forwarder {
  readonly stats = { forwarded: 0, handedOver: 0, verified: 0 };
  readonly verify: ((apollo: ApolloServer<GatewayContext>, body: Record<string, unknown>, ctx: GatewayContext, forwarded: Extract<Forwarded, { text: string }>) => Promise<Record<string, unknown> | null>) | null;

  constructor(
    private readonly planner: ForwardPlanner,
    private readonly sources: Record<string, ForwardingSource>,
    verify: boolean,
  ) {
    this.verify = verify ? (apollo, body, ctx, forwarded) => this.compare(apollo, body, ctx, forwarded) : null;
  }

  /** Documents decided: forwardable, or kept on the general path. */
  get decisions(): { forwardable: number; general: number } {
    return this.planner.stats;
  }

  /** Null: not forwardable (the general path runs as usual, no fetch was made). */
  async forward(r: { key: string; admitted: Admitted; variables: unknown; ctx: GatewayContext }): Promise<Forwarded | null> {
    const decision = this.planner.decide(r.key, r.admitted.document, r.admitted.operation);
    if (!decision) return null;
    const { fetch, subgraph } = decision;
    const given = r.variables && typeof r.variables === 'object' ? (r.variables as Record<string, unknown>) : {};
    const variables: Record<string, unknown> = Object.create(null);
    for (const name of fetch.variableUsages ?? []) if (Object.hasOwn(given, name) && given[name] !== undefined) variables[name] = given[name];
    const answer = await this.sources[subgraph]!.exchange({ query: fetch.operation, variables, operationName: fetch.operationName }, r.ctx, fetch.operationDocumentNode);
    const fetched = () => ({ subgraph, query: fetch.operation, response: answer.response() });
    if (answer.text !== null && plainData(answer.text)) {
      this.stats.forwarded++;
      return { text: answer.text, fetched };
    }
    const response = answer.response();
    if (answer.text === null && response.data && !response.errors?.length && !response.extensions) {
      // In-process: a result object (there are no bytes to pass on), serialised as Apollo Server would.
      this.stats.forwarded++;
      return { text: JSON.stringify({ data: response.data }) + '\n', fetched };
    }
    this.stats.handedOver++;
    return { prefetched: { subgraph, query: fetch.operation, response } };
  }

  private async compare(apollo: ApolloServer<GatewayContext>, body: Record<string, unknown>, ctx: GatewayContext, forwarded: Extract<Forwarded, { text: string }>): Promise<Record<string, unknown> | null> {
    // The general path on the same answer: its one fetch is the forwarded one (nothing is sent twice).
    const copy = Object.assign(Object.create(Object.getPrototypeOf(ctx) as object) as GatewayContext, ctx, { prefetched: forwarded.fetched(), verifying: true });
    const res = await apollo.executeOperation(
      { query: body.query as string, variables: body.variables as Record<string, unknown> | undefined, operationName: body.operationName as string | undefined },
      { contextValue: copy },
    );
    this.stats.verified++;
    const general = res.body.kind === 'single' ? JSON.stringify(res.body.singleResult) : '(incremental)';
    const mine = JSON.stringify(JSON.parse(forwarded.text));
    return general === mine ? null : { forwarded: mine.slice(0, 2_000), general: general.slice(0, 2_000) };
  }
}
