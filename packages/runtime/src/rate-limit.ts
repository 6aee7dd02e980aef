// Fixed-window counters for brute-force protection (failed logins per account and per IP, OTP
// requests per phone). Redis with REDIS_URL so limits hold across processes; in-process otherwise.
import type { Redis } from 'ioredis';

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
}

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
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
}
