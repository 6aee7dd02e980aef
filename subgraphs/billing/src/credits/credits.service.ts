// SMS credits: bought wholesale into the platform's master wallet, sold or granted to tenants'
// wallets, spent by messages — directly, or held by a reservation that is committed when the
// provider accepts the message and released when it fails. Every movement is a balanced ledger
// transaction (ledger.repository.ts); the database refuses an overdraft whatever the concurrency.
import type { CorePrisma } from '@studyspot/db';
import { clock, topics, type EventBus, type Reservation, type SubgraphContext } from '@studyspot/runtime';

export type { Reservation };
import { consumedAccount, entriesByIds, expiredHolds, thresholdOf, findReservation, holdCredits, reservationByKey, settleHeld, holdAccount, InsufficientCredits, masterAccount, post, vendorAccount, walletAccount, setThreshold, walletsOf, type Posted, type TransactionKind, type WalletRow } from './ledger.repository.ts';

export type CreditsResult<T> = T | { error: 'INSUFFICIENT_CREDITS' | 'INSUFFICIENT_STOCK' | 'NOT_FOUND'; message: string };

interface Deps {
  core: CorePrisma;
  events: EventBus;
}

/** A default reservation lives this long; the sweep releases holds nobody settled. */
export const RESERVATION_TTL_SECONDS = 15 * 60;

async function lowBalanceCheck(d: Deps, tenantId: string, wallet: string, posted: Posted, credits: number): Promise<void> {
  if (!posted.created) return;
  const threshold = await thresholdOf(d.core, wallet);
  // Once, when the balance crosses the threshold downwards.
  if (threshold != null && posted.fromBalance <= threshold && posted.fromBalance + credits > threshold) {
    await d.events.publish(topics.tenant(tenantId), { type: 'WALLET_LOW_BALANCE', tenantId, balance: posted.fromBalance, threshold });
  }
}

export async function purchaseWholesale(d: Deps, i: { vendor: string; credits: number; costPaise: number; idempotencyKey: string; actorId?: string | null }): Promise<Posted> {
  const [vendor, master] = await Promise.all([vendorAccount(d.core, i.vendor), masterAccount(d.core)]);
  return post(d.core, { kind: 'WHOLESALE_PURCHASE', credits: i.credits, amountPaise: i.costPaise, idempotencyKey: i.idempotencyKey, memo: `Bought from ${i.vendor}`, actorId: i.actorId, from: vendor, to: master });
}

/** Credits from the master wallet to a tenant's: a grant, a plan's included credits or a retail purchase. */
export async function creditTenant(d: Deps, i: { tenantId: string; credits: number; kind: Extract<TransactionKind, 'GRANT' | 'PLAN_CREDITS' | 'RETAIL_PURCHASE'>; amountPaise?: number | null; memo?: string | null; idempotencyKey: string; actorId?: string | null }): Promise<CreditsResult<Posted>> {
  const [master, wallet] = await Promise.all([masterAccount(d.core), walletAccount(d.core, i.tenantId)]);
  try {
    return await post(d.core, { kind: i.kind, tenantId: i.tenantId, credits: i.credits, amountPaise: i.amountPaise, memo: i.memo, idempotencyKey: i.idempotencyKey, actorId: i.actorId, from: master, to: wallet });
  } catch (err) {
    if (err instanceof InsufficientCredits) return { error: 'INSUFFICIENT_STOCK', message: 'The platform has fewer credits in stock than that: buy them wholesale first' };
    throw err;
  }
}

/** Spends credits at once (no reservation). The same key twice spends once. */
export async function consumeCredits(d: Deps, i: { tenantId: string; credits: number; idempotencyKey: string; memo?: string | null }): Promise<CreditsResult<Posted>> {
  const [wallet, consumed] = await Promise.all([walletAccount(d.core, i.tenantId), consumedAccount(d.core)]);
  try {
    const posted = await post(d.core, { kind: 'CONSUMPTION', tenantId: i.tenantId, credits: i.credits, idempotencyKey: i.idempotencyKey, memo: i.memo, from: wallet, to: consumed });
    await lowBalanceCheck(d, i.tenantId, wallet, posted, i.credits);
    return posted;
  } catch (err) {
    if (err instanceof InsufficientCredits) return { error: 'INSUFFICIENT_CREDITS', message: `Not enough credits for ${i.credits}` };
    throw err;
  }
}


/** Holds credits for a message: the wallet goes down now; commit spends them, release gives them back. */
export async function reserveCredits(d: Deps, i: { tenantId: string; credits: number; idempotencyKey: string; purpose?: string | null; ttlSeconds?: number }): Promise<CreditsResult<Reservation>> {
  const [wallet, hold] = await Promise.all([walletAccount(d.core, i.tenantId), holdAccount(d.core, i.tenantId)]);
  const existing = await reservationByKey(d.core, i.idempotencyKey);
  if (existing) return existing;
  try {
    const expiresAt = new Date(clock.nowMs() + (i.ttlSeconds ?? RESERVATION_TTL_SECONDS) * 1000);
    const { reservation, posted } = await holdCredits(d.core, { tenantId: i.tenantId, credits: i.credits, idempotencyKey: i.idempotencyKey, purpose: i.purpose ?? null, expiresAt }, wallet, hold);
    await lowBalanceCheck(d, i.tenantId, wallet, posted, i.credits);
    return reservation;
  } catch (err) {
    if (err instanceof InsufficientCredits) return { error: 'INSUFFICIENT_CREDITS', message: `Not enough credits for ${i.credits}` };
    // The same key at the same moment: the other call made it.
    const raced = await reservationByKey(d.core, i.idempotencyKey);
    if (raced) return raced;
    throw err;
  }
}

/** Settles a held reservation: COMMITTED spends the credits, RELEASED returns them. Repeats answer the same. */
export async function settleReservation(d: Deps, id: string, to: 'COMMITTED' | 'RELEASED'): Promise<CreditsResult<Reservation>> {
  const found = await findReservation(d.core, id);
  if (!found) return { error: 'NOT_FOUND', message: 'No such reservation' };
  // Accounts first: nothing inside the transaction may need a second connection.
  const [hold, target] = await Promise.all([holdAccount(d.core, found.tenantId), to === 'COMMITTED' ? consumedAccount(d.core) : walletAccount(d.core, found.tenantId)]);
  return settleHeld(d.core, found, to, hold, target);
}

/** Releases holds nobody settled in time (a sender that died mid-message). */
export async function releaseExpired(d: Deps, now = clock.now()): Promise<number> {
  const stale = await expiredHolds(d.core, now);
  for (const id of stale) await settleReservation(d, id, 'RELEASED');
  return stale.length;
}

/** A tenant's wallet as it is now (payloads of mutations that just changed it). */
export async function wallet(ctx: SubgraphContext, tenantId: string): Promise<WalletRow> {
  return (await walletsOf(ctx.core, [tenantId]))[0]!;
}

/** A tenant's wallet, batched per request (Tenant.wallet, Wallet references). */
export const walletLoaded = (ctx: SubgraphContext, tenantId: string): Promise<WalletRow> =>
  ctx.loader<string, WalletRow>('billing:wallet', async (ids) => {
    const m = new Map((await walletsOf(ctx.core, ids)).map((w) => [w.tenantId, w]));
    return ids.map((id) => m.get(id)!);
  }).load(tenantId);

/** A ledger line by id (its decimal string), batched per request; null for an id that is not one. */
export async function ledgerEntry(ctx: SubgraphContext, id: string) {
  if (!/^\d{1,18}$/.test(id)) return null;
  return ctx
    .loader<string, Awaited<ReturnType<typeof entriesByIds>>[number] | null>('billing:ledgerEntry', async (ids) => {
      const m = new Map((await entriesByIds(ctx.core, ids.map((x) => BigInt(x)))).map((e) => [e.id, e]));
      return ids.map((x) => m.get(String(BigInt(x))) ?? null);
    })
    .load(id);
}

/** At or below this balance a WALLET_LOW_BALANCE event is published (null: never). */
export async function setLowBalanceThreshold(core: CorePrisma, tenantId: string, credits: number | null): Promise<void> {
  await setThreshold(core, await walletAccount(core, tenantId), credits);
}
