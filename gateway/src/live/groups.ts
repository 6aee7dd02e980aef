// Groups and topic feeds. Subscribers with the same document, variables and authorization scope form
// a group: each message is computed once per group (one plan execution, one JSON.stringify) and the
// same bytes go to every member. A group never spans tenants, roles, branch limits or (for students)
// accounts: its key includes all of them. One bus subscription per topic per process feeds every
// group on that topic.
import { createHash } from 'node:crypto';
import type { BusEvent, EventBus, LiveCaller, LiveField, LiveLimits, LiveTrigger, Logger, RequestIdentity } from '@studyspot/runtime';
import { branchLimits, maskError } from '@studyspot/runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { LivePlanner, PreparedSubscription } from './plan.ts';

/** Where a group's messages go: one subscription on one socket. */
export interface Member {
  /** Sends one already serialized `next` payload (the group's JSON). */
  deliver(payloadJson: string, kind: 'state' | 'stream'): void;
}

/** At most this many events in one message; the rest are counted in `dropped`. */
const MAX_EVENTS = 50;

export function scopeKey(caller: LiveCaller): string {
  const { claims } = caller;
  const branches = [...(branchLimits(claims) ?? [])].sort().join(',');
  // Students see only their own rows, so each student is a scope of their own.
  const who = claims.role === 'STUDENT' ? claims.sub : '';
  return [caller.tenantId, claims.role, branches, who].join('|');
}

export function groupKey(field: string, source: string, operationName: string | null, variables: Record<string, unknown>, caller: LiveCaller): string {
  return createHash('sha256').update(JSON.stringify([field, operationName, source, variables, scopeKey(caller)])).digest('base64url');
}

const unavailable = () => new GraphQLError('The live state cannot be read right now; subscribe again shortly', { extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });

/** Turns an execution result into what a client may see: coded errors only, no stacks. */
function serialize(result: ExecutionResult): string {
  const errors = result.errors?.map((e) => maskError((e as GraphQLError).toJSON(), e));
  return JSON.stringify(errors?.length ? { data: result.data ?? null, errors } : { data: result.data ?? null });
}

export class Group {
  readonly members = new Set<Member>();
  private pending: BusEvent[] = [];
  private lastSequence = 0;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private snapshotWanted = false;
  private joiners: { member: Member; resolve: (errors: readonly GraphQLError[] | null) => void }[] = [];
  closed = false;

  constructor(
    readonly key: string,
    readonly topic: string,
    readonly field: LiveField<never>,
    readonly prepared: PreparedSubscription,
    readonly variables: Record<string, unknown>,
    readonly args: Record<string, unknown>,
    readonly caller: LiveCaller,
    /** Any member's identity will do: they share the scope. */
    public identity: RequestIdentity,
    private readonly engine: LiveEngine,
  ) {}

  accepts(event: BusEvent): boolean {
    return (this.field.accepts as (e: BusEvent, a: unknown, c: LiveCaller) => boolean)(event, this.args, this.caller);
  }

  /** Runs `job` after every earlier execution of this group: messages leave in order. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => {});
    return next;
  }

  private run(trigger: LiveTrigger): Promise<ExecutionResult> {
    return this.engine.planner.execute(this.prepared, this.variables, this.identity, this.engine.logger, trigger);
  }

  /**
   * The first message for new members: the state now, computed once for everyone who joined
   * meanwhile. Refused (no data at the root) means the caller may not have this stream: the errors
   * go back and nobody joins.
   */
  snapshotFor(member: Member): Promise<readonly GraphQLError[] | null> {
    return new Promise((resolve) => {
      this.joiners.push({ member, resolve });
      if (this.joiners.length === 1) void this.serial(() => this.admit());
    });
  }

  private async admit(): Promise<void> {
    const joiners = this.joiners;
    this.joiners = [];
    try {
      const sequence = await this.engine.bus.sequence(this.topic);
      const result = await this.run({ sequence, snapshot: true, events: [], dropped: 0 });
      if (result.data?.[this.prepared.field] == null) {
        for (const j of joiners) j.resolve((result.errors ?? []) as readonly GraphQLError[]);
        if (!this.members.size && !this.joiners.length) this.engine.drop(this);
        return;
      }
      this.lastSequence = Math.max(this.lastSequence, sequence);
      const json = serialize(result);
      for (const j of joiners) {
        j.member.deliver(json, this.field.kind);
        this.members.add(j.member);
        j.resolve(null);
      }
    } catch (err) {
      this.engine.logger.error({ err }, 'live snapshot failed');
      for (const j of joiners) j.resolve([unavailable()]);
      if (!this.members.size && !this.joiners.length) this.engine.drop(this);
    }
  }

  push(event: BusEvent): void {
    this.pending.push(event);
    this.schedule();
  }

  /** A fresh state for every member (after a Redis reconnect or a gap in the topic's sequence). */
  resync(): void {
    this.snapshotWanted = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    // State: at most one message per coalescing window, carrying everything since the last one.
    const wait = this.field.kind === 'state' ? Math.max(0, this.lastSent + this.engine.limits.coalesceMs - Date.now()) : 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.serial(() => this.flush());
    }, wait);
  }

  private async flush(): Promise<void> {
    if (this.closed || (!this.pending.length && !this.snapshotWanted)) return;
    const snapshot = this.snapshotWanted;
    const events = this.pending;
    this.pending = [];
    this.snapshotWanted = false;
    this.lastSent = Date.now();
    const kept = events.slice(-MAX_EVENTS);
    const lastSeq = events.at(-1)?.seq ?? 0;
    let json: string;
    try {
      const sequence = snapshot ? Math.max(await this.engine.bus.sequence(this.topic), lastSeq) : lastSeq || this.lastSequence;
      const result = await this.run({ sequence, snapshot, events: snapshot ? [] : kept, dropped: snapshot ? 0 : events.length - kept.length });
      this.lastSequence = Math.max(this.lastSequence, sequence);
      // Partial data with coded errors still goes out: a subgraph failing is not the end of the stream.
      json = serialize(result);
    } catch (err) {
      this.engine.logger.error({ err, topic: this.topic }, 'live message failed');
      json = serialize({ data: null, errors: [unavailable()] });
      this.snapshotWanted = true;
    }
    this.engine.sent += this.members.size;
    for (const m of this.members) m.deliver(json, this.field.kind);
  }

  leave(member: Member): void {
    this.members.delete(member);
    if (!this.members.size && !this.joiners.length) this.engine.drop(this);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

/** One bus subscription per topic, shared by the groups on it. Notices gaps in the topic's sequence. */
class TopicFeed {
  readonly groups = new Set<Group>();
  private readonly abort = new AbortController();
  private lastSeq = 0;

  constructor(
    readonly topic: string,
    private readonly engine: LiveEngine,
  ) {
    void this.listen();
  }

  private async listen(): Promise<void> {
    try {
      for await (const raw of this.engine.bus.subscribe(this.topic, this.abort.signal)) {
        const event = raw as BusEvent;
        const seq = typeof event.seq === 'number' ? event.seq : 0;
        // A jump means events were lost between processes: give everyone a fresh state.
        const gap = this.lastSeq > 0 && seq > this.lastSeq + 1;
        if (seq) this.lastSeq = seq;
        if (gap) {
          this.engine.gaps++;
          for (const g of this.groups) g.resync();
        }
        for (const g of this.groups) if (g.accepts(event)) g.push(event);
      }
    } catch (err) {
      this.engine.logger.error({ err, topic: this.topic }, 'live topic feed failed');
    }
  }

  resync(): void {
    this.lastSeq = 0;
    for (const g of this.groups) g.resync();
  }

  close(): void {
    this.abort.abort();
  }
}

export class LiveEngine {
  private readonly groups = new Map<string, Group>();
  private readonly feeds = new Map<string, TopicFeed>();
  /** Messages handed to members (one per member per group message). */
  sent = 0;
  /** Gaps noticed in topic sequences. */
  gaps = 0;

  constructor(
    readonly planner: LivePlanner,
    readonly bus: EventBus,
    readonly limits: LiveLimits,
    readonly logger: Logger,
  ) {
    // Pub/sub loses what is published while Redis is away: when it is back, send fresh states.
    bus.onHealthChange((healthy) => {
      if (healthy) for (const f of this.feeds.values()) f.resync();
    });
  }

  get stats() {
    return { groups: this.groups.size, topics: this.feeds.size, sent: this.sent, gaps: this.gaps, ...this.planner.stats };
  }

  /** The group for this subscription (created if needed) and whether it is new. */
  group(spec: { key: string; topic: string; field: LiveField<never>; prepared: PreparedSubscription; variables: Record<string, unknown>; args: Record<string, unknown>; caller: LiveCaller; identity: RequestIdentity }): Group {
    let g = this.groups.get(spec.key);
    if (g && !g.closed) {
      g.identity = spec.identity;
      return g;
    }
    g = new Group(spec.key, spec.topic, spec.field, spec.prepared, spec.variables, spec.args, spec.caller, spec.identity, this);
    this.groups.set(spec.key, g);
    let feed = this.feeds.get(spec.topic);
    if (!feed) {
      feed = new TopicFeed(spec.topic, this);
      this.feeds.set(spec.topic, feed);
    }
    feed.groups.add(g);
    return g;
  }

  drop(g: Group): void {
    g.close();
    if (this.groups.get(g.key) === g) this.groups.delete(g.key);
    const feed = this.feeds.get(g.topic);
    if (!feed) return;
    feed.groups.delete(g);
    if (!feed.groups.size) {
      feed.close();
      this.feeds.delete(g.topic);
    }
  }

  close(): void {
    for (const g of this.groups.values()) g.close();
    for (const f of this.feeds.values()) f.close();
    this.groups.clear();
    this.feeds.clear();
  }
}
