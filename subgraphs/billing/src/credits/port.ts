// What the communications subgraph (and anything else that spends credits) uses: reserve credits for
// a message, commit them when the provider accepts it, release them when it fails. Safe across
// processes and repeats: the ledger is in the core database, every call takes an idempotency key or a
// reservation id, and the database refuses an overdraft. Provided as ports.billing.credits (runtime ports.ts; the contract lives there).
import type { CreditsPort, Platform } from '@studyspot/runtime';
import { consumeCredits, releaseExpired, reserveCredits, settleReservation } from './credits.service.ts';

export function creditsPort(platform: Pick<Platform, 'core' | 'events'>): CreditsPort {
  const d = { core: platform.core, events: platform.events };
  const settle = async (id: string, to: 'COMMITTED' | 'RELEASED') => {
    const r = await settleReservation(d, id, to);
    if ('error' in r) throw new Error(r.message);
  };
  return {
    reserve: async (i) => {
      const r = await reserveCredits(d, i);
      return 'error' in r ? { error: 'INSUFFICIENT_CREDITS', message: r.message } : r;
    },
    commit: (id) => settle(id, 'COMMITTED'),
    release: (id) => settle(id, 'RELEASED'),
    consume: async (i) => {
      const r = await consumeCredits(d, i);
      return 'error' in r ? { error: 'INSUFFICIENT_CREDITS', message: r.message } : { transactionId: r.transactionId };
    },
    releaseExpired: (now) => releaseExpired(d, now),
  };
}
