// Revoked sessions: the gateway refuses an access token whose session was revoked (logout, refresh
// token reuse, deactivation) without waiting for the token to expire. Redis with REDIS_URL, so every
// process sees a revocation at once; a process-local map in embedded mode.
import type { Redis } from 'ioredis';

export interface RevocationList {
  /** Marks the session revoked until `untilEpochSeconds` (the latest expiry of its access tokens). */
  revoke(sessionId: string, untilEpochSeconds: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

export class MemoryRevocationList implements RevocationList {
  private readonly until = new Map<string, number>();

  async revoke(sessionId: string, untilEpochSeconds: number): Promise<void> {
    this.until.set(sessionId, untilEpochSeconds);
    if (this.until.size > 10_000) this.sweep();
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const u = this.until.get(sessionId);
    return u !== undefined && u * 1000 > Date.now();
  }

  private sweep(): void {
    const now = Date.now() / 1000;
    for (const [k, v] of this.until) if (v <= now) this.until.delete(k);
  }
}

export class RedisRevocationList implements RevocationList {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'studyspot:',
  ) {}

  async revoke(sessionId: string, untilEpochSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(untilEpochSeconds - Date.now() / 1000));
    await this.redis.set(`${this.prefix}revoked:${sessionId}`, '1', 'EX', ttl);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}revoked:${sessionId}`)) === 1;
  }
}
