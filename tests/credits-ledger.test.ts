// The SMS credits ledger on real PostgreSQL: concurrency, idempotency, reservations, and the rules the
// database itself enforces (balanced transactions, no overdraft, append-only).
import { randomUUID } from 'node:crypto';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeCredits, creditTenant, purchaseWholesale, releaseExpired, reserveCredits, settleReservation } from '../subgraphs/billing/src/credits/credits.service.ts';
import { balanceOf, holdAccount, ledgerAudit, walletAccount } from '../subgraphs/billing/src/credits/ledger.repository.ts';
import { seedTenant, type SeededTenant } from './support/supergraph.ts';

let world: TestWorld;
let a: SeededTenant;
let b: SeededTenant;
const deps = () => ({ core: world.platform.core, events: world.platform.events });
const ok = <T,>(r: T): Exclude<T, { error: string }> => {
  if (r && typeof r === 'object' && 'error' in r) throw new Error(`${String(r.error)}: ${String((r as { message?: string }).message)}`);
  return r as Exclude<T, { error: string }>;
};

beforeAll(async () => {
  world = await createTestWorld();
  a = await seedTenant(world, 'alpha', ['Rohan Patil']);
  b = await seedTenant(world, 'beta', ['Kavya Nair']);
  await purchaseWholesale(deps(), { vendor: 'MSG91', credits: 1_000_000, costPaise: 15_000_000, idempotencyKey: 'wholesale-1' });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const wallet = async (t: SeededTenant) => balanceOf(world.platform.core, await walletAccount(world.platform.core, t.id));

describe('credits ledger', () => {
  it('1,000 concurrent debits of 1 credit on a wallet of 500: exactly 500 succeed, the balance is 0, the ledger balances', async () => {
    ok(await creditTenant(deps(), { tenantId: a.id, credits: 500, kind: 'GRANT', idempotencyKey: `grant-${randomUUID()}` }));
    expect(await wallet(a)).toBe(500);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 1_000 }, (_, i) => consumeCredits(deps(), { tenantId: a.id, credits: 1, idempotencyKey: `debit-${a.id}-${i}` })));
    const took = Date.now() - t0;
    const succeeded = results.filter((r) => !('error' in r)).length;
    const refused = results.filter((r) => 'error' in r && r.error === 'INSUFFICIENT_CREDITS').length;
    expect({ succeeded, refused }).toEqual({ succeeded: 500, refused: 500 });
    expect(await wallet(a)).toBe(0);
    expect(await ledgerAudit(world.platform.core)).toEqual({ total: 0, unbalancedTransactions: 0, driftedAccounts: 0 });
    console.log(`[figures] 1,000 concurrent 1-credit debits on a wallet of 500: 500 succeeded, 500 refused, balance 0, in ${took} ms`);
  });

  it('spends once for a key replayed, also concurrently', async () => {
    ok(await creditTenant(deps(), { tenantId: b.id, credits: 10, kind: 'GRANT', idempotencyKey: `grant-${randomUUID()}` }));
    const key = `debit-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeCredits(deps(), { tenantId: b.id, credits: 3, idempotencyKey: key })));
    expect(results.filter((r) => !('error' in r) && r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => ok(r).transactionId)).size).toBe(1);
    expect(await wallet(b)).toBe(7);
  });

  it('1,000 concurrent reservations, half committed and half released: the exact balance', async () => {
    const t = await seedTenant(world, 'gamma', ['Ira Das']);
    ok(await creditTenant(deps(), { tenantId: t.id, credits: 2_000, kind: 'RETAIL_PURCHASE', amountPaise: 50_000, idempotencyKey: `buy-${randomUUID()}` }));
    const t0 = Date.now();
    const held = await Promise.all(Array.from({ length: 1_000 }, (_, i) => reserveCredits(deps(), { tenantId: t.id, credits: 2, idempotencyKey: `sms-${t.id}-${i}` })));
    const reservations = held.map(ok);
    expect(await wallet(t)).toBe(0);
    // A 1,001st finds nothing left.
    expect(await reserveCredits(deps(), { tenantId: t.id, credits: 1, idempotencyKey: `sms-${t.id}-extra` })).toMatchObject({ error: 'INSUFFICIENT_CREDITS' });
    await Promise.all(reservations.map((r, i) => settleReservation(deps(), r.id, i % 2 ? 'RELEASED' : 'COMMITTED')));
    // Settling again changes nothing.
    await Promise.all(reservations.slice(0, 100).map((r) => settleReservation(deps(), r.id, 'RELEASED')));
    const took = Date.now() - t0;
    expect(await wallet(t)).toBe(1_000);
    expect(await balanceOf(world.platform.core, await holdAccount(world.platform.core, t.id))).toBe(0);
    expect(await ledgerAudit(world.platform.core)).toEqual({ total: 0, unbalancedTransactions: 0, driftedAccounts: 0 });
    console.log(`[figures] 1,000 concurrent 2-credit reservations, 500 committed and 500 released (plus 100 repeats): wallet 2,000 → 1,000 exact, in ${took} ms`);
  });

  it('releases holds nobody settled once they expire', async () => {
    const r = ok(await reserveCredits(deps(), { tenantId: b.id, credits: 2, idempotencyKey: `stale-${randomUUID()}`, ttlSeconds: 1 }));
    const before = await wallet(b);
    expect(await releaseExpired(deps(), new Date(Date.now() + 5_000))).toBeGreaterThanOrEqual(1);
    expect(await wallet(b)).toBe(before + 2);
    expect(ok(await settleReservation(deps(), r.id, 'COMMITTED')).status).toBe('RELEASED');
  });

  it('cannot sell more than the platform bought wholesale', async () => {
    expect(await creditTenant(deps(), { tenantId: b.id, credits: 5_000_000, kind: 'GRANT', idempotencyKey: `grant-${randomUUID()}` })).toMatchObject({ error: 'INSUFFICIENT_STOCK' });
  });

  it('is enforced by the database: unbalanced transactions, overdrafts, edits and direct balance changes are refused', async () => {
    const core = world.platform.core;
    const w = await walletAccount(core, b.id);
    const tx = async (sql: string) => core.$executeRawUnsafe(sql).then(() => 'written', (e: Error) => e.message);
    // One entry alone does not balance: refused at commit.
    const lone = await tx(`WITH t AS (INSERT INTO ledger_transactions (id, kind, credits) VALUES (gen_random_uuid(), 'GRANT', 5) RETURNING id) INSERT INTO ledger_entries (transaction_id, account_id, credits, balance_after) SELECT t.id, '${w}', 5, 0 FROM t`);
    expect(lone).toMatch(/does not balance/);
    // Balanced but overdrawing the wallet: refused.
    const consumed = (await core.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM ledger_accounts WHERE kind = 'CONSUMED'`))[0]!.id;
    const overdraw = await tx(`WITH t AS (INSERT INTO ledger_transactions (id, kind, credits) VALUES (gen_random_uuid(), 'CONSUMPTION', 999999) RETURNING id) INSERT INTO ledger_entries (transaction_id, account_id, credits, balance_after) SELECT t.id, x.a::uuid, x.c, 0 FROM t, (VALUES ('${w}', -999999), ('${consumed}', 999999)) x(a, c)`);
    expect(overdraw).toMatch(/ledger_accounts_balance_check/);
    expect(await tx(`UPDATE ledger_entries SET credits = credits + 1`)).toMatch(/append-only/);
    expect(await tx(`DELETE FROM ledger_transactions`)).toMatch(/append-only/);
    expect(await tx(`UPDATE ledger_accounts SET balance = balance + 100 WHERE id = '${w}'`)).toMatch(/only through ledger entries/);
    expect(await ledgerAudit(core)).toEqual({ total: 0, unbalancedTransactions: 0, driftedAccounts: 0 });
  });
});
