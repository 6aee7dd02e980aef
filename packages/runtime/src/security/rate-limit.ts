// Fixed-window counters for brute-force protection (sign-in attempts per account and per IP, OTP
// requests per phone). Redis with REDIS_URL so limits hold across processes; in-process otherwise,
// and in-process too while Redis is away (each process then limits on its own: with N processes an
// attacker gets at most N times the limit until Redis returns).
import type { RedisClient } from '../redis.ts';

export interface RateLimitState {
  count: number;
  /** Seconds until the window resets. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one event for `key` in a window of `windowSeconds`; returns the count so far. */
  hit(key: string, windowSeconds: number): Promise<RateLimitState>;
  /** The current count without adding to it. */
  peek(key: string): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
  /** Takes back one event counted by `hit` (an attempt that turned out to succeed). */
  release(key: string): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async hit(key: string, windowSeconds: number): Promise<RateLimitState> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
      if (this.windows.size > 50_000) for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
    }
    w.count++;
    return { count: w.count, retryAfterSeconds: Math.ceil((w.resetAt - now) / 1000) };
  }

  async peek(key: string): Promise<RateLimitState> {
    const w = this.windows.get(key);
    const now = Date.now();
    if (!w || w.resetAt <= now) return { count: 0, retryAfterSeconds: 0 };
    return { count: w.count, retryAfterSeconds: Math.ceil((w.resetAt - now) / 1000) };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async release(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count--;
  }
}

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'studyspot:',
  ) {}

  private k(key: string) {
    return `${this.prefix}rl:${key}`;
  }

  async hit(key: string, windowSeconds: number): Promise<RateLimitState> {
    const res = await this.redis.multi().incr(this.k(key)).expire(this.k(key), windowSeconds, 'NX').ttl(this.k(key)).exec();
    const count = Number(res?.[0]?.[1] ?? 0);
    const ttl = Number(res?.[2]?.[1] ?? windowSeconds);
    return { count, retryAfterSeconds: Math.max(ttl, 0) };
  }

  async peek(key: string): Promise<RateLimitState> {
    const [count, ttl] = await Promise.all([this.redis.get(this.k(key)), this.redis.ttl(this.k(key))]);
    return { count: Number(count ?? 0), retryAfterSeconds: Math.max(ttl, 0) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  async release(key: string): Promise<void> {
    // Only a counter that still exists (its window has not ended) is decremented.
    await this.redis.eval("if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0", 1, this.k(key));
  }
}

/** Redis while it answers, the process's own counters while it does not. */
export class FallbackRateLimiter implements RateLimiter {
  private readonly local = new MemoryRateLimiter();

  constructor(
    private readonly redis: RedisClient,
    private readonly shared: RateLimiter,
  ) {}

  private pick<T>(op: (l: RateLimiter) => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') return op(this.local);
    return op(this.shared).catch(() => op(this.local));
  }

  hit(key: string, windowSeconds: number) {
    return this.pick((l) => l.hit(key, windowSeconds));
  }

  peek(key: string) {
    return this.pick((l) => l.peek(key));
  }

  reset(key: string) {
    return this.pick((l) => l.reset(key));
  }

  release(key: string) {
    return this.pick((l) => l.release(key));
  }
}
