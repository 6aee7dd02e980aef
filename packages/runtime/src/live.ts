// Live subscriptions, the subgraph side. A subgraph declares, for each of its Subscription fields,
// which event-bus topic feeds it and which of that topic's events concern a subscription; the
// gateway (gateway/src/live/) owns the sockets, the topics and the groups. When events arrive, the
// gateway executes the subscription's root fetch once per group with a LiveTrigger as the field's
// source (in-process as the root value, over HTTP in the request's extensions), and the subgraph's
// resolver turns it into the payload, reading current state from its database: so the payload is
// always the latest state, authorized for the group's scope, and entity fields of other subgraphs are
// resolved by the gateway's query plan like any query's.
import type { Claims } from './security/auth.ts';
import type { SubgraphContext } from './context.ts';
import { branchLimits } from './roles.ts';

/** An event as it travels on the bus; `seq` is the topic's sequence number (events.ts). */
export interface BusEvent {
  type: string;
  seq?: number;
  [key: string]: unknown;
}

/** What a subscription's resolver receives for one message. */
export interface LiveTrigger {
  /** The topic's sequence number as of this message (the last event included, or the snapshot's). */
  sequence: number;
  /** The first message of a subscription, or a fresh state after a gap (Redis reconnect, lost events). */
  snapshot: boolean;
  /** The events this message reports, oldest first (none for a snapshot). */
  events: BusEvent[];
  /** Events that were left out because the subscriber fell behind (stream kind) or the batch was full. */
  dropped: number;
}

export interface LiveCaller {
  claims: Claims;
  /** The tenant the caller acts in (the token's, or the one a platform role picked). */
  tenantId: string;
}

export interface LiveField<A = Record<string, unknown>> {
  /**
   * `state`: each message carries the whole current state, so bursts coalesce (at most one message per
   * topic per 250 ms) and a slow subscriber only ever needs the latest. `stream`: each event is its own
   * message, queued per subscriber (bounded; overflow becomes a visible resync).
   */
  kind: 'state' | 'stream';
  /** The topic that feeds this subscription (null: the caller can have no such stream). */
  topic(args: A, caller: LiveCaller): string | null;
  /** Whether an event of the topic concerns this subscription (cheap: no I/O). */
  accepts(event: BusEvent, args: A, caller: LiveCaller): boolean;
}

export type LiveFields = Record<string, LiveField<never>>;

/** Builds a LiveTrigger-reading resolver's input: the root value in-process, the context over HTTP. */
/**
 * A Subscription field's resolver as the gateway's live server runs it (gateway/src/live/): called
 * with the trigger as its root each time the group's topic fires, it answers the field's whole
 * message. (Not graphql-js's subscribe/resolve pair, so the generated SubscriptionResolvers do not
 * apply; the result and argument types come from the generated ResolversTypes and Subscription*Args.)
 */
export type LiveResolver<TResult, TArgs> = (root: unknown, args: TArgs, ctx: SubgraphContext) => TResult | Promise<TResult>;

export function liveTrigger(source: unknown, field: string, fromContext: LiveTrigger | null): LiveTrigger {
  const t = (source as Record<string, unknown> | null | undefined)?.[field] ?? fromContext;
  if (!t || typeof t !== 'object' || typeof (t as LiveTrigger).sequence !== 'number') {
    throw new Error(`Subscription.${field} runs only as a live subscription`);
  }
  return t as LiveTrigger;
}

/** Whether a branch-limited caller may hear of an event: only one naming one of their branches. */
export function inBranches(event: BusEvent, claims: Claims): boolean {
  const limits = branchLimits(claims);
  return limits === null || (typeof event.libraryId === 'string' && limits.includes(event.libraryId));
}
