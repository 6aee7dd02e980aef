// The tenant's gateway accounts against simulators that go down or stall: failover to the other
// gateway in the same call, a gateway marked down after three failures and probed back after its
// cool-off, Razorpay's downtime notices, credentials checked before they are saved, secrets sealed.
import { resealGatewaySecrets } from '@studyspot/billing';
import { SecretBox } from '@studyspot/runtime/security';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT, createBillingWorld, createOrder, enrol, orderStatus, payAtCheckout, settled, type BillingWorld } from './support/billing.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
beforeAll(async () => {
  w = await createBillingWorld({ timeoutMs: 800 });
});
afterEach(async () => {
  w.sims.razorpay.state.reset();
  w.sims.cashfree.state.reset();
  // Every test starts with both gateways up.
  await w.world.platform.tenants.withTenant(w.a.id, (db) => db.gatewayAccount.updateMany({ data: { consecutiveFailures: 0, downUntil: null, downReason: null, active: true } }));
});
afterAll(async () => {
  await w?.close();
});

const ACCOUNTS = 'query { gatewayAccounts { provider keyId secretLast4 status downReason feePercentBp feeFixedPaise } }';
type Account = { provider: string; keyId: string; secretLast4: string; status: string; downReason: string | null };
const accounts = async () => (await gql(w.url(), ACCOUNTS, { token: w.owner })).data!.gatewayAccounts as Account[];
const statusOf = async (provider: string) => (await accounts()).find((a) => a.provider === provider)!.status;
const orderCount = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.paymentOrder.count());

describe('failover', () => {
  it('creates the order at the other gateway in the same call when the cheaper one is down', async () => {
    const s = await enrol(w, { pricePaise: 150_000 });
    w.sims.cashfree.state.mode = 'down';
    const { order } = await createOrder(w, s.studentId);
    expect(order!.provider).toBe('RAZORPAY');
    expect(order!.routing.tried).toEqual([{ provider: 'CASHFREE', error: expect.stringMatching(/unavailable|503/i) }]);
    expect(order!.routing.reason).toMatch(/^failover: cashfree failed \(.+\); razorpay fee ₹35\.40$/);
    // It really is payable there.
    await payAtCheckout(w, order!);
    await settled(w);
    expect((await orderStatus(w, order!.id)).status).toBe('PAID');
  });

  it('gives up on a stalled gateway after its timeout and uses the other', async () => {
    const s = await enrol(w, { pricePaise: 150_000 });
    w.sims.cashfree.state.mode = 'timeout';
    const started = Date.now();
    const { order } = await createOrder(w, s.studentId);
    const took = Date.now() - started;
    expect(order!.provider).toBe('RAZORPAY');
    expect(order!.routing.tried[0]!.provider).toBe('CASHFREE');
    expect(took).toBeGreaterThanOrEqual(800);
    expect(took).toBeLessThan(10_000);
  });

  it('answers PAYMENT_GATEWAY_UNAVAILABLE when both fail, and writes no order', async () => {
    const s = await enrol(w, { pricePaise: 150_000 });
    w.sims.cashfree.state.mode = 'down';
    w.sims.razorpay.state.mode = 'down';
    const before = await orderCount();
    const r = await createOrder(w, s.studentId);
    expect(r.order).toBeNull();
    expect(r.userErrors).toEqual([{ code: 'PAYMENT_GATEWAY_UNAVAILABLE', message: expect.stringMatching(/^No gateway could take the order: cashfree: .+; razorpay: .+/) }]);
    expect(r.routing).toMatchObject({ reason: 'every gateway failed', tried: [{ provider: 'CASHFREE' }, { provider: 'RAZORPAY' }] });
    expect(await orderCount()).toBe(before);
  });

  it('marks a gateway DOWN after three failures in a row, skips it, and probes it back after the cool-off', async () => {
    w.sims.cashfree.state.mode = 'down';
    for (let i = 0; i < 3; i++) {
      const s = await enrol(w, { pricePaise: 150_000 });
      expect((await createOrder(w, s.studentId)).order!.provider).toBe('RAZORPAY');
    }
    const down = (await accounts()).find((a) => a.provider === 'CASHFREE')!;
    expect(down.status).toBe('DOWN');
    expect(down.downReason).toMatch(/^3 failures in a row: /);
    // While down it is not even tried.
    const calls = w.sims.cashfree.orders.size;
    const s = await enrol(w, { pricePaise: 150_000 });
    const skipped = (await createOrder(w, s.studentId)).order!;
    expect(skipped.routing).toMatchObject({ chosen: 'RAZORPAY', tried: [], reason: 'only usable gateway (cashfree marked down): fee ₹35.40' });
    expect(w.sims.cashfree.orders.size).toBe(calls);

    // Cool-off over, still failing: the probe fails and it stays down for another cool-off.
    const coolOffOver = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.gatewayAccount.update({ where: { provider: 'cashfree' }, data: { downUntil: new Date(Date.now() - 1_000) } }));
    await coolOffOver();
    const again = await enrol(w, { pricePaise: 150_000 });
    expect((await createOrder(w, again.studentId)).order!.provider).toBe('RAZORPAY');
    expect(await statusOf('CASHFREE')).toBe('DOWN');
    // Cool-off over and the gateway is back: the probe brings it up and it wins again.
    w.sims.cashfree.state.mode = 'up';
    await coolOffOver();
    const back = await enrol(w, { pricePaise: 150_000 });
    expect((await createOrder(w, back.studentId)).order!.provider).toBe('CASHFREE');
    expect(await statusOf('CASHFREE')).toBe('ACTIVE');
  });

  it("follows Razorpay's downtime notices", async () => {
    await w.sims.razorpay.downtime('started');
    await settled(w);
    expect(await statusOf('RAZORPAY')).toBe('DOWN');
    const s = await enrol(w, { pricePaise: 40_000 });
    expect((await createOrder(w, s.studentId)).order!.provider).toBe('CASHFREE');
    await w.sims.razorpay.downtime('resolved');
    await settled(w);
    expect(await statusOf('RAZORPAY')).toBe('ACTIVE');
    const t = await enrol(w, { pricePaise: 40_000 });
    expect((await createOrder(w, t.studentId)).order!.provider).toBe('RAZORPAY');
  });

  it('uses only the gateways still connected', async () => {
    const off = await gql(w.url(), 'mutation { disconnectGatewayAccount(provider: CASHFREE) { account { status } userErrors { code } } }', { token: w.owner });
    expect(off.data).toEqual({ disconnectGatewayAccount: { account: { status: 'DISABLED' }, userErrors: [] } });
    const s = await enrol(w, { pricePaise: 150_000 });
    expect((await createOrder(w, s.studentId)).order!.routing.reason).toBe('only usable gateway: fee ₹35.40');
  });
});

describe('connecting an account', () => {
  const connect = (i: Record<string, unknown>) => gql(w.url(), CONNECT, { token: w.owner, variables: { i: { provider: 'RAZORPAY', feePercentBp: 200, feeFixedPaise: 0, ...i } } });

  it('checks the credentials with the provider first and saves nothing it refuses', async () => {
    const before = await accounts();
    const wrong = await connect({ keyId: w.accounts.razorpay.keyId, keySecret: 'definitely-wrong-secret', webhookSecret: 'whsec-new-one' });
    expect(wrong.data).toEqual({ connectGatewayAccount: { account: null, userErrors: [{ code: 'GATEWAY_REJECTED', message: 'razorpay refused these credentials', field: ['input', 'keySecret'] }] } });
    w.sims.razorpay.state.mode = 'down';
    const unreachable = await connect({ keyId: w.accounts.razorpay.keyId, keySecret: w.accounts.razorpay.keySecret, webhookSecret: 'whsec-new-one' });
    expect((unreachable.data!.connectGatewayAccount as { userErrors: { code: string }[] }).userErrors[0]!.code).toBe('PAYMENT_GATEWAY_UNAVAILABLE');
    const noWebhookSecret = await connect({ keyId: w.accounts.razorpay.keyId, keySecret: w.accounts.razorpay.keySecret });
    expect((noWebhookSecret.data!.connectGatewayAccount as { userErrors: { field: string[] }[] }).userErrors[0]!.field).toEqual(['input', 'webhookSecret']);
    const badFee = await connect({ keyId: w.accounts.razorpay.keyId, keySecret: w.accounts.razorpay.keySecret, webhookSecret: 'x', feePercentBp: 5_000 });
    expect((badFee.data!.connectGatewayAccount as { userErrors: { code: string }[] }).userErrors[0]!.code).toBe('INVALID_INPUT');
    expect(await accounts()).toEqual(before);
  });

  it('keeps secrets sealed at rest and shows only their last four characters', async () => {
    const rows = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM gateway_accounts`);
    const dump = JSON.stringify(rows);
    for (const a of Object.values(w.accounts)) {
      expect(dump).not.toContain(a.keySecret);
      expect(dump).not.toContain(a.webhookSecret);
    }
    const audit = JSON.stringify(await w.world.platform.core.auditLog.findMany({ where: { tenantId: w.a.id } }));
    expect(audit).toContain('billing.gateway.connect');
    expect(audit).not.toContain(w.accounts.razorpay.keySecret);
    const shown = await accounts();
    expect(shown.map((a) => [a.provider, a.secretLast4])).toEqual(
      expect.arrayContaining([
        ['RAZORPAY', w.accounts.razorpay.keySecret.slice(-4)],
        ['CASHFREE', w.accounts.cashfree.keySecret.slice(-4)],
      ]),
    );
  });
});

describe('rotating the secrets key', () => {
  // Last in the file: it leaves the accounts sealed with a key the other tests' ring does not hold.
  it('reseals every secret with the new first key, after which the old key can go', async () => {
    const payments = w.world.platform.config.payments as { secrets: SecretBox };
    const oldSpec = `test:${Buffer.alloc(32, 9).toString('base64')}`;
    const newSpec = `k2026:${Buffer.alloc(32, 7).toString('base64')}`;
    payments.secrets = SecretBox.parse(`${newSpec},${oldSpec}`);
    const sealedWith = () => w.world.platform.tenants.withTenant(w.a.id, async (db) => (await db.gatewayAccount.findMany({ orderBy: { provider: 'asc' } })).map((a) => [a.secretEnc.split('.')[1], a.webhookSecretEnc?.split('.')[1] ?? null]));
    expect(await sealedWith()).toEqual([['test', null], ['test', 'test']]);
    expect(await resealGatewaySecrets(w.world.platform)).toEqual({ tenants: 2, resealed: 2, failed: [] });
    expect(await sealedWith()).toEqual([['k2026', null], ['k2026', 'k2026']]);
    expect(await resealGatewaySecrets(w.world.platform)).toEqual({ tenants: 2, resealed: 0, failed: [] });
    // The old key dropped: orders are still created and webhooks still verified.
    payments.secrets = SecretBox.parse(newSpec);
    const s = await enrol(w, { pricePaise: 40_000 });
    const { order } = await createOrder(w, s.studentId);
    await payAtCheckout(w, order!);
    await settled(w);
    expect((await orderStatus(w, order!.id)).status).toBe('PAID');
    // A ring without the key a secret was sealed with is reported, not guessed at.
    payments.secrets = SecretBox.parse(oldSpec.replace('test:', 'other:'));
    const r = await resealGatewaySecrets(w.world.platform);
    expect(r.failed).toEqual([{ tenant: 'alpha', error: 'cannot open a secret sealed with key "k2026": it is not in the key ring' }]);
    payments.secrets = SecretBox.parse(newSpec);
  });
});
