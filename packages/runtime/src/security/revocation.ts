// Revoked sessions: the gateway refuses an access token whose session was revoked (logout, refresh
// token reuse, deactivation, role change, password reset) without waiting for the token to expire.
//
// The core database is the source of truth (`sessions.revoked_at`, written by identity). Each process
// keeps a small cache of answers; a revocation is published on the event bus so every process drops
// its cached "still valid" at once. Redis is only that bus: when it is away, or comes back empty,
// nothing is lost, and cached answers are trusted for at most OUTAGE_TTL_MS — the bound on how late
// another process notices a revocation while Redis is down.
import type { CorePrisma } from '@studyspot/db';
import type { EventBus } from '../events.ts';

export const REVOCATION_TOPIC = 'sessions:revoked';
/** How long a cached "not revoked" is trusted while revocations arrive over a healthy bus. */
export const HEALTHY_TTL_MS = 30_000;
/** How long it is trusted while the bus is down (no invalidations arrive). */
export const OUTAGE_TTL_MS = 1_000;
const MAX_ENTRIES = 50_000;

export interface RevocationList {
  /** Tells every process that these sessions were revoked (the database row is already written). */
  revoked(sessionIds: string[]): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

export class SessionRevocations implements RevocationList {
  private readonly cache = new Map<string, { revoked: boolean; at: number }>();
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly core: CorePrisma,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {
    // Revocations published while the bus was down never arrive: forget what was cached then.
    bus.onHealthChange((healthy) => {
      if (healthy) this.cache.clear();
    });
    void this.listen();
  }

  private async listen(): Promise<void> {
    for await (const payload of this.bus.subscribe(REVOCATION_TOPIC, this.abort.signal)) {
      for (const id of (payload as { sessionIds?: string[] }).sessionIds ?? []) this.remember(id, true);
    }
  }

  private remember(id: string, revoked: boolean): void {
    this.cache.delete(id);
    this.cache.set(id, { revoked, at: this.now() });
    if (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
  }

  async revoked(sessionIds: string[]): Promise<void> {
    for (const id of sessionIds) this.remember(id, true);
    await this.bus.publish(REVOCATION_TOPIC, { sessionIds });
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const hit = this.cache.get(sessionId);
    if (hit && (hit.revoked || this.now() - hit.at < (this.bus.healthy ? HEALTHY_TTL_MS : OUTAGE_TTL_MS))) return hit.revoked;
    let lookup = this.pending.get(sessionId);
    if (!lookup) {
      lookup = this.core.session
        .findUnique({ where: { id: sessionId }, select: { revokedAt: true } })
        .then((row) => {
          // A session that does not exist (or was purged) is as good as revoked.
          const revoked = !row || row.revokedAt !== null;
          this.remember(sessionId, revoked);
          return revoked;
        })
        .finally(() => this.pending.delete(sessionId));
      this.pending.set(sessionId, lookup);
    }
    return lookup;
  }

  close(): void {
    this.abort.abort();
  }
}
