// The live places every gateway process holds, in Redis, so the per-account and per-tenant limits
// hold across processes. Each process writes its own counts (absolute numbers, so a write can be
// repeated) into one hash per account or tenant, field = the process; a place is granted by one
// script that sums the other live processes' fields with this process's new count against the
// limit. Processes beat every `heartbeatMs`: the beat marks them alive and writes their counts
// again, which repairs a write lost while Redis was away. A process that dies stops beating and
// its places stop counting after `staleMs` (its fields are dropped when next met).
// While Redis does not answer, the caller's own counts decide (the stated fallback).
// Keys share the hash tag `{live}`, so the script's keys are in one slot on a Redis Cluster.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { FAIL_FAST, openRedis, type RedisClient } from '@studyspot/runtime';

const ACQUIRE = `
local procs = KEYS[1]
local me, now, stale, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local n = #KEYS - 1
for i = 1, n do
  local key = KEYS[i + 1]
  local mine, limit = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  local others = 0
  local fields = redis.call('HGETALL', key)
  for j = 1, #fields, 2 do
    local who = fields[j]
    if who ~= me then
      local beat = redis.call('ZSCORE', procs, who)
      if beat and tonumber(beat) >= now - stale then others = others + tonumber(fields[j + 1]) else redis.call('HDEL', key, who) end
    end
  end
  if others + mine > limit then return i end
end
for i = 1, n do
  redis.call('HSET', KEYS[i + 1], me, ARGV[3 + 2 * i])
  redis.call('PEXPIRE', KEYS[i + 1], ttl)
end
redis.call('ZADD', procs, now, me)
return 0`;

export interface SharedPlacesOptions {
  heartbeatMs?: number;
  staleMs?: number;
  /** Abandon a Redis call after this long and let the process's own counts decide. */
  timeoutMs?: number;
  now?: () => number;
}

export class SharedPlaces {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly redis: RedisClient;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private counts: () => Iterable<readonly [string, number]> = () => [];
  private fallbacks = 0;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    opts: SharedPlacesOptions = {},
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.staleMs = opts.staleMs ?? 15_000;
    this.timeoutMs = opts.timeoutMs ?? 500;
    this.now = opts.now ?? Date.now;
    this.redis = openRedis(redisUrl, { ...FAIL_FAST, lazyConnect: false, connectTimeout: 2_000 });
    this.redis.on('error', () => {});
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  private key(k: string): string {
    return `${this.prefix}{live}:${k}`;
  }

  /** Where the process's own counts come from (written again at every beat). */
  countsFrom(fn: () => Iterable<readonly [string, number]>): void {
    this.counts = fn;
  }

  /** Times Redis did not answer and the process's own counts decided. */
  get fallbackCount(): number {
    return this.fallbacks;
  }

  private within<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('redis timeout')), this.timeoutMs).unref())]);
  }

  /** Commands are not queued while disconnected (they fail at once): wait a moment for a connection being made. */
  private async connected(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await this.within(new Promise<void>((resolve) => this.redis.once('ready', () => resolve())));
  }

  /**
   * Asks for one more place under each key (`mine`: this process's count with it). Null when
   * granted (or when Redis does not answer: the process's own check, already passed, decides);
   * otherwise the key whose limit refuses.
   */
  async acquire(keys: { key: string; mine: number; limit: number }[]): Promise<string | null> {
    try {
      await this.connected();
      const args = [this.id, String(this.now()), String(this.staleMs), String(this.staleMs * 4), ...keys.flatMap((k) => [String(k.mine), String(k.limit)])];
      const refused = Number(await this.within(this.redis.eval(ACQUIRE, keys.length + 1, this.key('procs'), ...keys.map((k) => this.key(k.key)), ...args)));
      return refused ? keys[refused - 1]!.key : null;
    } catch {
      this.fallbacks++;
      return null;
    }
  }

  /** Writes this process's counts now (after a release); a lost write is repaired by the next beat. */
  set(entries: (readonly [string, number])[]): void {
    const m = this.redis.multi();
    for (const [k, n] of entries) {
      if (n > 0) m.hset(this.key(k), this.id, n).pexpire(this.key(k), this.staleMs * 4);
      else m.hdel(this.key(k), this.id);
    }
    void m.exec().catch(() => {});
  }

  /** Marks this process alive and writes its counts again. */
  private async beat(): Promise<void> {
    // A process holding no places has nothing to keep alive (a release already cleared its counts,
    // and ACQUIRE marks it alive again): an idle gateway does not write to Redis every few seconds.
    const counts = [...this.counts()];
    if (!counts.some(([, n]) => n > 0)) return;
    const m = this.redis.multi().zadd(this.key('procs'), this.now(), this.id).zremrangebyscore(this.key('procs'), 0, this.now() - this.staleMs * 4);
    for (const [k, n] of counts) if (n > 0) m.hset(this.key(k), this.id, n).pexpire(this.key(k), this.staleMs * 4);
    await m.exec().catch(() => {});
  }

  /** Gives every place back at once (a process stopping) and stops beating. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const m = this.redis.multi().zrem(this.key('procs'), this.id);
    for (const [k] of this.counts()) m.hdel(this.key(k), this.id);
    await this.within(m.exec()).catch(() => {});
    this.redis.disconnect();
  }
}
