// The event bus: Redis pub/sub with REDIS_URL, in-process otherwise. Topics are scoped by tenant
// (and library where it applies); payloads carry entity keys, never whole records. Every event gets
// its topic's next sequence number (`seq`), assigned where the order is decided (an INCR and the
// PUBLISH in one Redis script; a counter in-process), so a subscriber that sees a jump knows it
// missed events (live subscriptions then send a fresh snapshot).
import { EventEmitter, on } from 'node:events';
import { FAIL_FAST, isClusterUrl, openRedis, type RedisClient } from './redis.ts';

export interface EventBus {
  readonly kind: 'redis' | 'in-process';
  /** Whether events reach other processes right now (always true in-process). */
  readonly healthy: boolean;
  /** Called with the new state whenever `healthy` changes (a Redis outage begins or ends). */
  onHealthChange(listener: (healthy: boolean) => void): void;
  /**
   * Never throws: while Redis is away an event is dropped (counted in `dropped`, logged once per
   * outage) rather than failing the request that caused it. Events are notifications; state lives in
   * the databases.
   */
  publish(topic: string, payload: object): Promise<void>;
  /** The topic's last sequence number (0 when nothing was published, or Redis is away). */
  sequence(topic: string): Promise<number>;
  /** Yields payloads published on `topic` until the iterator is returned or `signal` aborts. */
  subscribe(topic: string, signal?: AbortSignal): AsyncIterableIterator<unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Counters since start (metrics): events published, delivered to this process, dropped; topics listened to. */
  stats(): EventBusStats;
}

export interface EventBusStats {
  published: number;
  delivered: number;
  dropped: number;
  topics: number;
}

export const topics = {
  library: (tenantId: string, libraryId: string) => `tenant:${tenantId}:library:${libraryId}`,
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  /** Tenant status changes (suspension, deletion), for every process that holds a tenant's sockets. */
  tenants: 'platform:tenants',
};

async function* iterate(emitter: EventEmitter, event: string, signal?: AbortSignal): AsyncIterableIterator<unknown> {
  try {
    for await (const [payload] of on(emitter, event, { signal })) yield payload;
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
}

export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  readonly healthy = true;
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly sequences = new Map<string, number>();
  private published = 0;

  onHealthChange(): void {}

  stats(): EventBusStats {
    return { published: this.published, delivered: this.published, dropped: 0, topics: this.emitter.eventNames().length };
  }

  async publish(topic: string, payload: object): Promise<void> {
    this.published++;
    const seq = (this.sequences.get(topic) ?? 0) + 1;
    this.sequences.set(topic, seq);
    this.emitter.emit(topic, { ...payload, seq });
  }

  async sequence(topic: string): Promise<number> {
    return this.sequences.get(topic) ?? 0;
  }

  subscribe(topic: string, signal?: AbortSignal): AsyncIterableIterator<unknown> {
    return iterate(this.emitter, topic, signal);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * INCR the topic's sequence and PUBLISH the event with it, atomically: sequence order is delivery
 * order. The sequence key expires a week after the topic's last event (every live socket has been
 * re-authenticated, and so re-snapshotted, long before), so idle topics leave nothing behind. A
 * counter an older version kept unprefixed (`seq:<topic>`, KEYS[2]) is carried over on first use —
 * on one server or Sentinel only: on a cluster the two keys live in different slots, and no older
 * version ran on a cluster (it could not), so KEYS[2] is not passed there.
 */
const PUBLISH_SEQUENCED = `if #KEYS > 1 and redis.call('EXISTS', KEYS[1]) == 0 then
  local old = redis.call('GET', KEYS[2])
  if old then redis.call('SET', KEYS[1], old) end
end
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 604800)
local body = ARGV[2] == '{}' and '{' or (string.sub(ARGV[2], 1, -2) .. ',')
redis.call('PUBLISH', ARGV[1], body .. '"seq":' .. seq .. '}')
return seq`;

export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  /** The unprefixed counter of an older version (none on a cluster). */
  private readonly legacyKey: (topic: string) => string | null;
  private readonly local = new EventEmitter().setMaxListeners(0);
  private readonly counts = new Map<string, number>();
  private readonly health = new EventEmitter();
  private wasHealthy = false;
  /** Set once Redis has been away after being reached: only then is a reconnection "back". */
  private hasBeenAway = false;
  /** Events not delivered because Redis was away. */
  dropped = 0;
  private published = 0;
  private delivered = 0;

  /** The topic's sequence key, under the deployment's key prefix (REDIS_KEY_PREFIX). */
  private readonly seqKey: (topic: string) => string;

  constructor(
    url: string,
    private readonly logger?: { warn(o: object, m: string): void; info(o: object, m: string): void },
    keyPrefix = '',
  ) {
    this.seqKey = (topic) => `${keyPrefix}seq:${topic}`;
    const cluster = isClusterUrl(url);
    this.legacyKey = (topic) => (cluster ? null : `seq:${topic}`);
    // While Redis is away a publish fails at once instead of piling up; ioredis keeps reconnecting on
    // its own (and resubscribes the topics) when it comes back.
    this.pub = openRedis(url, FAIL_FAST);
    this.sub = openRedis(url, FAIL_FAST);
    this.sub.on('message', (topic: string, message: string) => {
      this.delivered++;
      this.local.emit(topic, JSON.parse(message));
    });
    // ioredis reports the cause (ECONNREFUSED, ENOTFOUND…) as an 'error' event and then rejects
    // connect() with a bare "Connection is closed"; keep the cause for the startup message.
    for (const c of [this.pub, this.sub]) {
      c.on('error', (err: Error) => (this.lastError = err));
      c.on('ready', () => this.checkHealth());
      c.on('close', () => this.checkHealth());
    }
  }

  private lastError: Error | undefined;

  stats(): EventBusStats {
    return { published: this.published, delivered: this.delivered, dropped: this.dropped, topics: this.counts.size };
  }

  get healthy(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  onHealthChange(listener: (healthy: boolean) => void): void {
    this.health.on('change', listener);
  }

  private checkHealth(): void {
    const now = this.healthy;
    if (now === this.wasHealthy) return;
    this.wasHealthy = now;
    if (now) {
      // The first connection is not news; only a return after an absence is.
      if (this.hasBeenAway) this.logger?.info({ dropped: this.dropped }, 'Redis is back: events flow between processes again');
      // Topics first subscribed while Redis was away (ioredis resubscribes only what it had).
      if (this.counts.size) void this.sub.subscribe(...this.counts.keys()).catch(() => {});
    }
    else {
      this.hasBeenAway = true;
      this.logger?.warn({ cause: this.lastError?.message }, 'Redis is away: events stay in this process, limits are per process, revocations are read from the database');
    }
    this.health.emit('change', now);
  }

  async connect(): Promise<void> {
    try {
      await Promise.all([this.pub.connect(), this.sub.connect()]);
    } catch (err) {
      throw this.lastError ?? err;
    }
    this.checkHealth();
  }

  async publish(topic: string, payload: object): Promise<void> {
    try {
      const legacy = this.legacyKey(topic);
      const keys = legacy ? [this.seqKey(topic), legacy] : [this.seqKey(topic)];
      await this.pub.eval(PUBLISH_SEQUENCED, keys.length, ...keys, topic, JSON.stringify(payload));
      this.published++;
    } catch {
      this.dropped++;
    }
  }

  async sequence(topic: string): Promise<number> {
    try {
      const legacy = this.legacyKey(topic);
      return Number((await this.pub.get(this.seqKey(topic))) ?? (legacy ? await this.pub.get(legacy) : null) ?? 0);
    } catch {
      return 0;
    }
  }

  subscribe(topic: string, signal?: AbortSignal): AsyncIterableIterator<unknown> {
    const n = this.counts.get(topic) ?? 0;
    this.counts.set(topic, n + 1);
    // While Redis is away the subscription is made when it returns (checkHealth resubscribes).
    return this.listen(topic, n === 0 ? this.sub.subscribe(topic).catch(() => {}) : Promise.resolve(), signal);
  }

  private async *listen(topic: string, ready: Promise<unknown>, signal?: AbortSignal): AsyncIterableIterator<unknown> {
    try {
      await ready;
      yield* iterate(this.local, topic, signal);
    } finally {
      // The Redis subscription is shared by every local subscriber of the topic; drop it with the last.
      const left = (this.counts.get(topic) ?? 1) - 1;
      if (left === 0) {
        this.counts.delete(topic);
        await this.sub.unsubscribe(topic).catch(() => {});
      } else this.counts.set(topic, left);
    }
  }

  async ping(): Promise<void> {
    await this.pub.ping();
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
