// How many live subscriptions a socket, an account and a tenant may hold (LIVE_PER_SOCKET,
// LIVE_PER_USER, LIVE_PER_TENANT). A place is taken locally in one synchronous step, before anything
// is awaited, so subscribe messages written together cannot all pass the check and count later.
// The account and tenant limits are global across gateway processes when Redis is there
// (shared-places.ts); while it is not, each process holds them alone (N gateways: up to N times).
import type { Claims } from '@studyspot/runtime';
import { GraphQLError } from 'graphql';
import type { SharedPlaces } from './shared-places.ts';

export const coded = (message: string, code: string, extra: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extra } });

type Limits = { perSocket: number; perUser: number; perTenant: number };

const refusals = {
  perUser: (l: Limits) => coded(`At most ${l.perUser} live subscriptions per account`, 'RATE_LIMITED', { limit: 'perUser', setting: 'LIVE_PER_USER' }),
  perTenant: () => coded('Too many live subscriptions for this tenant right now', 'RATE_LIMITED', { limit: 'perTenant', setting: 'LIVE_PER_TENANT' }),
};

export class LiveLimits {
  private readonly perUser = new Map<string, number>();
  private readonly perTenant = new Map<string, number>();

  constructor(
    private readonly limits: Limits,
    private readonly shared: SharedPlaces | null = null,
  ) {
    shared?.countsFrom(() => [...[...this.perUser].map(([k, n]) => [`user:${k}`, n] as const), ...[...this.perTenant].map(([k, n]) => [`tenant:${k}`, n] as const)]);
  }

  /** Takes a place for one subscription, or says which limit refuses it; `release` gives it back once. */
  async take(socket: { held: number }, claims: Claims, tenant: string | null): Promise<{ release(): void } | GraphQLError> {
    const l = this.limits;
    if (socket.held >= l.perSocket) return coded(`At most ${l.perSocket} subscriptions per connection`, 'RATE_LIMITED', { limit: 'perSocket', setting: 'LIVE_PER_SOCKET' });
    if ((this.perUser.get(claims.sub) ?? 0) >= l.perUser) return refusals.perUser(l);
    if (tenant && (this.perTenant.get(tenant) ?? 0) >= l.perTenant) return refusals.perTenant();
    const userCount = bump(this.perUser, claims.sub, 1);
    const tenantCount = tenant ? bump(this.perTenant, tenant, 1) : 0;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const u = bump(this.perUser, claims.sub, -1);
      const t = tenant ? bump(this.perTenant, tenant, -1) : 0;
      this.shared?.set([[`user:${claims.sub}`, u], ...(tenant ? [[`tenant:${tenant}`, t] as const] : [])]);
    };
    if (this.shared) {
      // Counted with every other gateway's places; this process's own counts go with the ask.
      const keys = [{ key: `user:${claims.sub}`, mine: userCount, limit: l.perUser }, ...(tenant ? [{ key: `tenant:${tenant}`, mine: tenantCount, limit: l.perTenant }] : [])];
      const refused = await this.shared.acquire(keys);
      if (refused) {
        release();
        return refused === `user:${claims.sub}` ? refusals.perUser(l) : refusals.perTenant();
      }
    }
    return { release };
  }
}

function bump(m: Map<string, number>, k: string, d: number): number {
  const n = (m.get(k) ?? 0) + d;
  if (n > 0) m.set(k, n);
  else m.delete(k);
  return Math.max(0, n);
}
