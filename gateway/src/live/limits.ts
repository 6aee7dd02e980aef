// How many live subscriptions a socket, an account and a tenant may hold (LIVE_PER_SOCKET,
// LIVE_PER_USER, LIVE_PER_TENANT). A place is taken in one synchronous step, before anything is
// awaited, so subscribe messages written together cannot all pass the check and count later.
import type { Claims } from '@studyspot/runtime';
import { GraphQLError } from 'graphql';

export const coded = (message: string, code: string, extra: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extra } });

export class LiveLimits {
  private readonly perUser = new Map<string, number>();
  private readonly perTenant = new Map<string, number>();

  constructor(private readonly limits: { perSocket: number; perUser: number; perTenant: number }) {}

  /** Takes a place for one subscription, or says which limit refuses it; `release` gives it back once. */
  take(socket: { held: number }, claims: Claims, tenant: string | null): { release(): void } | GraphQLError {
    const l = this.limits;
    if (socket.held >= l.perSocket) return coded(`At most ${l.perSocket} subscriptions per connection`, 'RATE_LIMITED', { limit: 'perSocket', setting: 'LIVE_PER_SOCKET' });
    if ((this.perUser.get(claims.sub) ?? 0) >= l.perUser) return coded(`At most ${l.perUser} live subscriptions per account`, 'RATE_LIMITED', { limit: 'perUser', setting: 'LIVE_PER_USER' });
    if (tenant && (this.perTenant.get(tenant) ?? 0) >= l.perTenant) return coded('Too many live subscriptions for this tenant right now', 'RATE_LIMITED', { limit: 'perTenant', setting: 'LIVE_PER_TENANT' });
    bump(this.perUser, claims.sub, 1);
    if (tenant) bump(this.perTenant, tenant, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        bump(this.perUser, claims.sub, -1);
        if (tenant) bump(this.perTenant, tenant, -1);
      },
    };
  }
}

function bump(m: Map<string, number>, k: string, d: number) {
  const n = (m.get(k) ?? 0) + d;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}
