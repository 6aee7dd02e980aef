// What the communications subgraph (and anything else that spends credits) uses: reserve credits for
// a message, commit them when the provider accepts it, release them when it fails. Safe across
// processes and repeats: the ledger is in the core database, every call takes an idempotency key or a
// reservation id, and the database refuses an overdraft. Exported through @studyspot/billing/ports.
import type { Platform } from '@studyspot/runtime';
import { consumeCredits, releaseExpired, reserveCredits, settleReservation, type Reservation } from './credits.service.ts';

export type { Reservation };

export interface CreditsPort {
  /** Holds `credits` of the tenant's wallet; INSUFFICIENT_CREDITS leaves the wallet untouched. */
  reserve(i: { tenantId: string; credits: number; idempotencyKey: string; purpose?: string; ttlSeconds?: number }): Promise<Reservation | { error: 'INSUFFICIENT_CREDITS'; message: string }>;
  /** Spends a held reservation (the provider accepted the message). Repeats are no-ops. */
  commit(reservationId: string): Promise<void>;
  /** Returns a held reservation to the wallet (the message failed). Repeats are no-ops. */
  release(reservationId: string): Promise<void>;
  /** Spends at once, without a reservation. */
  consume(i: { tenantId: string; credits: number; idempotencyKey: string; memo?: string }): Promise<{ transactionId: string } | { error: 'INSUFFICIENT_CREDITS'; message: string }>;
  /** Releases reservations nobody settled before they expired; returns how many. */
  releaseExpired(now?: Date): Promise<number>;
}

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
