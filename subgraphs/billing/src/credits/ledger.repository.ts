// The credits ledger in SQL. A transaction and its entries are written by one statement; the database
// applies each entry to its account (trigger), refuses a balance below zero (CHECK, so concurrent
// debits of one wallet serialize on its row and the one that would overdraw fails), checks at commit
// that the entries sum to zero (deferred constraint trigger) and keeps the ledger append-only.
import { clock } from '@studyspot/runtime';
import type { CorePrisma } from '@studyspot/db';

export type AccountKind = 'VENDOR' | 'MASTER' | 'TENANT_WALLET' | 'TENANT_HOLD' | 'CONSUMED';
export type TransactionKind = 'WHOLESALE_PURCHASE' | 'RETAIL_PURCHASE' | 'GRANT' | 'PLAN_CREDITS' | 'CONSUMPTION' | 'RESERVATION' | 'COMMIT' | 'RELEASE';

export interface Posting {
  kind: TransactionKind;
  tenantId?: string | null;
  idempotencyKey?: string | null;
  credits: number;
  amountPaise?: number | null;
  reservationId?: string | null;
  memo?: string | null;
  actorId?: string | null;
  /** Credits leave `from` and arrive in `to`. */
  from: string;
  to: string;
}

export interface Posted {
  transactionId: string;
  /** Balances after the posting, of the debited and the credited account. */
  fromBalance: number;
  toBalance: number;
  /** False when the idempotency key had been used: nothing new was written. */
  created: boolean;
}

export class InsufficientCredits extends Error {}

const isConstraint = (err: unknown, name: string) => String((err as Error)?.message ?? '').includes(name) || JSON.stringify((err as { meta?: unknown })?.meta ?? '').includes(name);
const isUniqueKey = (err: unknown) => (err as { code?: string })?.code === 'P2010' ? /23505|unique/i.test(String((err as Error).message)) : /23505|Unique constraint|duplicate key/i.test(String((err as Error)?.message ?? ''));

/** Account ids never change: remembered per database client after the first lookup. */
const known = new WeakMap<object, Map<string, string>>();

export async function accountId(core: CorePrisma, kind: AccountKind, tenantId: string | null, name: string): Promise<string> {
  const key = `${kind}|${tenantId ?? ''}|${name}`;
  let accountIds = known.get(core);
  if (!accountIds) known.set(core, (accountIds = new Map()));
  const hit = accountIds.get(key);
  if (hit) return hit;
  await core.$executeRaw`INSERT INTO ledger_accounts (id, kind, tenant_id, name) VALUES (gen_random_uuid(), ${kind}::"LedgerAccountKind", ${tenantId}::uuid, ${name}) ON CONFLICT (kind, tenant_id, name) DO NOTHING`;
  const rows = await core.$queryRaw<{ id: string }[]>`SELECT id::text FROM ledger_accounts WHERE kind = ${kind}::"LedgerAccountKind" AND tenant_id IS NOT DISTINCT FROM ${tenantId}::uuid AND name = ${name}`;
  const id = rows[0]!.id;
  accountIds.set(key, id);
  return id;
}

export const WALLET = 'Wallet';
export const HOLD = 'Held for sending';
export const masterAccount = (core: CorePrisma) => accountId(core, 'MASTER', null, 'Platform master wallet');
export const consumedAccount = (core: CorePrisma) => accountId(core, 'CONSUMED', null, 'Credits used');
export const walletAccount = (core: CorePrisma, tenantId: string) => accountId(core, 'TENANT_WALLET', tenantId, WALLET);
export const holdAccount = (core: CorePrisma, tenantId: string) => accountId(core, 'TENANT_HOLD', tenantId, HOLD);
export const vendorAccount = (core: CorePrisma, vendor: string) => accountId(core, 'VENDOR', null, vendor);

/** Posts one transaction of two entries in one statement. Throws InsufficientCredits when `from` would go below zero. */
export async function post(core: Pick<CorePrisma, '$queryRaw'>, p: Posting): Promise<Posted> {
  // Dated by the one clock (a tenant's test clock inside its work), not the database's.
  const at = clock.now();
  try {
    const rows = await core.$queryRaw<{ transaction_id: string; account_id: string; balance_after: bigint }[]>`
      WITH t AS (
        INSERT INTO ledger_transactions (id, kind, tenant_id, idempotency_key, credits, amount_paise, reservation_id, memo, actor_id, created_at)
        VALUES (gen_random_uuid(), ${p.kind}::"LedgerTransactionKind", ${p.tenantId ?? null}::uuid, ${p.idempotencyKey ?? null}, ${p.credits}, ${p.amountPaise ?? null}, ${p.reservationId ?? null}::uuid, ${p.memo ?? null}, ${p.actorId ?? null}::uuid, ${at})
        RETURNING id
      )
      INSERT INTO ledger_entries (transaction_id, account_id, credits, balance_after, created_at)
      SELECT t.id, x.account_id, x.credits, 0, ${at} FROM t, (VALUES (1, ${p.from}::uuid, ${-p.credits}::bigint), (2, ${p.to}::uuid, ${p.credits}::bigint)) AS x(n, account_id, credits)
      ORDER BY x.n
      RETURNING transaction_id::text, account_id::text, balance_after`;
    const from = rows.find((r) => r.account_id === p.from)!;
    const to = rows.find((r) => r.account_id === p.to)!;
    return { transactionId: from.transaction_id, fromBalance: Number(from.balance_after), toBalance: Number(to.balance_after), created: true };
  } catch (err) {
    if (isConstraint(err, 'ledger_accounts_balance_check')) throw new InsufficientCredits('Not enough credits');
    if (p.idempotencyKey && isUniqueKey(err)) {
      const rows = await core.$queryRaw<{ id: string }[]>`SELECT id::text FROM ledger_transactions WHERE idempotency_key = ${p.idempotencyKey}`;
      if (rows[0]) return { transactionId: rows[0].id, fromBalance: NaN, toBalance: NaN, created: false };
    }
    throw err;
  }
}

export async function balanceOf(core: CorePrisma, accountId: string): Promise<number> {
  const rows = await core.$queryRaw<{ balance: bigint }[]>`SELECT balance FROM ledger_accounts WHERE id = ${accountId}::uuid`;
  return Number(rows[0]?.balance ?? 0);
}

/** Σ of every entry must be 0, and every account's balance the sum of its entries: the audit query. */
export async function ledgerAudit(core: CorePrisma): Promise<{ total: number; unbalancedTransactions: number; driftedAccounts: number }> {
  const [t] = await core.$queryRaw<{ total: bigint; unbalanced: bigint; drifted: bigint }[]>`
    SELECT (SELECT coalesce(sum(credits), 0) FROM ledger_entries) AS total,
           (SELECT count(*) FROM (SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(credits) <> 0) u) AS unbalanced,
           (SELECT count(*) FROM ledger_accounts a WHERE a.balance <> (SELECT coalesce(sum(credits), 0) FROM ledger_entries e WHERE e.account_id = a.id)) AS drifted`;
  return { total: Number(t!.total), unbalancedTransactions: Number(t!.unbalanced), driftedAccounts: Number(t!.drifted) };
}

export interface StatementLine {
  id: string;
  kind: TransactionKind;
  credits: number;
  balanceAfter: number;
  amountPaise: number | null;
  memo: string | null;
  at: Date;
}

/** A wallet's lines, newest first, after the entry id `before` (keyset). */
export async function statement(core: CorePrisma, account: string, take: number, before: bigint | null): Promise<StatementLine[]> {
  const rows = await core.$queryRaw<{ id: bigint; kind: TransactionKind; credits: bigint; balance_after: bigint; amount_paise: number | null; memo: string | null; created_at: Date }[]>`
    SELECT e.id, t.kind::text AS kind, e.credits, e.balance_after, t.amount_paise, t.memo, e.created_at
    FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
    WHERE e.account_id = ${account}::uuid AND (${before}::bigint IS NULL OR e.id < ${before}::bigint)
    ORDER BY e.id DESC LIMIT ${take}`;
  return rows.map((r) => ({ id: String(r.id), kind: r.kind, credits: Number(r.credits), balanceAfter: Number(r.balance_after), amountPaise: r.amount_paise, memo: r.memo, at: r.created_at }));
}

/** One entry with its account's tenant (null for the platform's own accounts). */
/** Ledger lines by id, with the tenant of their account (entity references, batched). */
export async function entriesByIds(core: CorePrisma, ids: readonly bigint[]): Promise<(StatementLine & { tenantId: string | null })[]> {
  if (!ids.length) return [];
  const rows = await core.$queryRaw<{ id: bigint; kind: TransactionKind; credits: bigint; balance_after: bigint; amount_paise: number | null; memo: string | null; created_at: Date; tenant_id: string | null }[]>`
    SELECT e.id, t.kind::text AS kind, e.credits, e.balance_after, t.amount_paise, t.memo, e.created_at, a.tenant_id::text
    FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id JOIN ledger_accounts a ON a.id = e.account_id
    WHERE e.id = ANY(${ids.map(String)}::bigint[])`;
  return rows.map((r) => ({ id: String(r.id), kind: r.kind, credits: Number(r.credits), balanceAfter: Number(r.balance_after), amountPaise: r.amount_paise, memo: r.memo, at: r.created_at, tenantId: r.tenant_id }));
}

export interface WalletRow {
  tenantId: string;
  /** Null until the tenant's first credits: its statement is then empty. */
  accountId: string | null;
  balance: number;
  held: number;
  lowBalanceThreshold: number | null;
}

/** The wallets of these tenants, with what is held for sending, in one statement; accounts are not created here. */
export async function walletsOf(core: CorePrisma, tenantIds: readonly string[]): Promise<WalletRow[]> {
  if (!tenantIds.length) return [];
  const rows = await core.$queryRaw<{ tenant_id: string; wallet_id: string | null; balance: bigint | null; held: bigint | null; threshold: number | null }[]>`
    SELECT t.id::text AS tenant_id, w.id::text AS wallet_id, w.balance, h.balance AS held, w.low_balance_threshold AS threshold
    FROM unnest(${[...tenantIds]}::uuid[]) AS t(id)
    LEFT JOIN ledger_accounts w ON w.kind = 'TENANT_WALLET' AND w.tenant_id = t.id AND w.name = ${WALLET}
    LEFT JOIN ledger_accounts h ON h.kind = 'TENANT_HOLD' AND h.tenant_id = t.id AND h.name = ${HOLD}`;
  return rows.map((r) => ({ tenantId: r.tenant_id, accountId: r.wallet_id, balance: Number(r.balance ?? 0), held: Number(r.held ?? 0), lowBalanceThreshold: r.threshold }));
}

export async function setThreshold(core: CorePrisma, accountId: string, credits: number | null): Promise<void> {
  await core.ledgerAccount.update({ where: { id: accountId }, data: { lowBalanceThreshold: credits } });
}

export async function platformStock(core: CorePrisma) {
  const rows = await core.$queryRaw<{ kind: AccountKind; name: string; balance: bigint }[]>`SELECT kind::text AS kind, name, balance FROM ledger_accounts WHERE kind IN ('MASTER', 'CONSUMED', 'VENDOR') ORDER BY name`;
  return {
    stock: Number(rows.find((r) => r.kind === 'MASTER')?.balance ?? 0),
    consumed: Number(rows.find((r) => r.kind === 'CONSUMED')?.balance ?? 0),
    vendors: rows.filter((r) => r.kind === 'VENDOR').map((r) => ({ vendor: r.name, bought: -Number(r.balance) })),
  };
}

/** Retail minus wholesale between two instants: credits sold × the average wholesale unit cost up to `to`. */
export async function margin(core: CorePrisma, from: Date, to: Date) {
  const [m] = await core.$queryRaw<{ sold: bigint; retail: bigint; given: bigint; used: bigint; bought: bigint; cost: bigint }[]>`
    SELECT
      coalesce(sum(credits) FILTER (WHERE kind = 'RETAIL_PURCHASE' AND created_at >= ${from} AND created_at < ${to}), 0) AS sold,
      coalesce(sum(amount_paise) FILTER (WHERE kind = 'RETAIL_PURCHASE' AND created_at >= ${from} AND created_at < ${to}), 0) AS retail,
      coalesce(sum(credits) FILTER (WHERE kind IN ('GRANT', 'PLAN_CREDITS') AND created_at >= ${from} AND created_at < ${to}), 0) AS given,
      coalesce(sum(credits) FILTER (WHERE kind IN ('CONSUMPTION', 'COMMIT') AND created_at >= ${from} AND created_at < ${to}), 0) AS used,
      coalesce(sum(credits) FILTER (WHERE kind = 'WHOLESALE_PURCHASE' AND created_at < ${to}), 0) AS bought,
      coalesce(sum(amount_paise) FILTER (WHERE kind = 'WHOLESALE_PURCHASE' AND created_at < ${to}), 0) AS cost
    FROM ledger_transactions`;
  const sold = Number(m!.sold);
  const retail = Number(m!.retail);
  const unit = Number(m!.bought) ? Number(m!.cost) / Number(m!.bought) : 0;
  const wholesale = Math.round(sold * unit);
  return { creditsSold: sold, retailPaise: retail, wholesaleCostPaise: wholesale, marginPaise: retail - wholesale, creditsGiven: Number(m!.given), creditsUsed: Number(m!.used) };
}

// Reservations: credits held for a message, settled once (COMMITTED or RELEASED).
export const findReservation = (core: CorePrisma, id: string) => core.creditReservation.findUnique({ where: { id } });
export const reservationByKey = (core: CorePrisma, idempotencyKey: string) => core.creditReservation.findUnique({ where: { idempotencyKey } });
/** Held reservations that expired before `now` (at most 1,000). */
export const expiredHolds = async (core: CorePrisma, now: Date) =>
  (await core.creditReservation.findMany({ where: { status: 'HELD', expiresAt: { lt: now } }, select: { id: true }, take: 1_000 })).map((r) => r.id);

/** A reservation and its posting (wallet → hold), in one transaction. Throws InsufficientCredits. */
export function holdCredits(core: CorePrisma, r: { tenantId: string; credits: number; idempotencyKey: string; purpose: string | null; expiresAt: Date }, from: string, to: string) {
  return core.$transaction(async (tx) => {
    const reservation = await tx.creditReservation.create({ data: r });
    const posted = await post(tx, { kind: 'RESERVATION', tenantId: r.tenantId, credits: r.credits, reservationId: reservation.id, memo: r.purpose, from, to });
    return { reservation, posted };
  });
}

/** Settles a held reservation once (its posting with it); the reservation as it is after. */
export function settleHeld(core: CorePrisma, found: { id: string; tenantId: string; credits: number }, to: 'COMMITTED' | 'RELEASED', from: string, target: string) {
  return core.$transaction(async (tx) => {
    const moved = await tx.creditReservation.updateMany({ where: { id: found.id, status: 'HELD' }, data: { status: to, settledAt: clock.now() } });
    if (moved.count === 1) await post(tx, { kind: to === 'COMMITTED' ? 'COMMIT' : 'RELEASE', tenantId: found.tenantId, credits: found.credits, reservationId: found.id, from, to: target });
    return (await tx.creditReservation.findUnique({ where: { id: found.id } }))!;
  });
}

/** The wallet's low-balance threshold (null: none). */
export const thresholdOf = async (core: CorePrisma, walletId: string) =>
  (await core.$queryRaw<{ t: number | null }[]>`SELECT low_balance_threshold AS t FROM ledger_accounts WHERE id = ${walletId}::uuid`)[0]?.t ?? null;
