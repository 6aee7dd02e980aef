// The tenant's gateway accounts: connecting one (secrets sealed at rest, checked with a harmless call
// first), the clients built from them, and their health: marked down after consecutive failures or
// a provider's downtime notice, and up again once a cool-off has passed and a probe succeeds.
import type { TenantPrisma } from '@studyspot/db';
import { clock, type Platform } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import type { BillingScope } from '../shared/scope.ts';
import { CashfreeClient } from './cashfree.client.ts';
import { RazorpayClient } from './razorpay.client.ts';
import * as repo from './providers.repository.ts';
import { PROVIDERS, type GatewayClient, type Provider } from './provider.ts';

/** Failures in a row that mark a gateway down, and how long it then stays down before a probe. */
export const DOWN_AFTER_FAILURES = 3;
export const COOL_OFF_MS = 60_000;

export type AccountRow = repo.AccountRow;

/** Where a provider's API is: configured, or this deployment's own simulator. */
export function apiBase(platform: Platform, provider: Provider): string {
  const configured = provider === 'razorpay' ? platform.config.payments.razorpayUrl : platform.config.payments.cashfreeUrl;
  return configured ?? `${platform.publicUrl}/_simulators/${provider}${provider === 'cashfree' ? '/pg' : ''}`;
}

export function clientFor(platform: Platform, account: { provider: string; keyId: string; secretEnc: string }): GatewayClient {
  const provider = account.provider as Provider;
  const secret = platform.config.payments.secrets.open(account.secretEnc);
  const { timeoutMs } = platform.config.payments;
  return provider === 'razorpay' ? new RazorpayClient(apiBase(platform, provider), account.keyId, secret, timeoutMs) : new CashfreeClient(apiBase(platform, provider), account.keyId, secret, timeoutMs);
}

/** The URL to give the provider for this tenant's webhooks. */
export const webhookUrl = (platform: Platform, provider: Provider, webhookKey: string) => `${platform.publicUrl}/webhooks/${provider}/${webhookKey}`;

export const isDown = (a: { downUntil: Date | null }, now = clock.now()) => a.downUntil !== null && a.downUntil > now;

export interface ConnectInput {
  provider: Provider;
  keyId: string;
  keySecret: string;
  webhookSecret?: string | null;
  feePercentBp: number;
  feeFixedPaise?: number | null;
}

export async function connectAccount(s: BillingScope, input: ConnectInput) {
  const keyId = input.keyId.trim();
  if (!keyId) return fail('INVALID_INPUT', 'keyId is required', 'input', 'keyId');
  if (input.keySecret.length < 8) return fail('INVALID_INPUT', 'keySecret looks too short', 'input', 'keySecret');
  if (input.provider === 'razorpay' && !input.webhookSecret) return fail('INVALID_INPUT', 'Razorpay signs webhooks with a webhook secret of its own: give it', 'input', 'webhookSecret');
  if (!Number.isInteger(input.feePercentBp) || input.feePercentBp < 0 || input.feePercentBp > 1_000) return fail('INVALID_INPUT', 'feePercentBp is 0 to 1000 (10%)', 'input', 'feePercentBp');
  const fixed = input.feeFixedPaise ?? 0;
  if (!Number.isInteger(fixed) || fixed < 0 || fixed > 100_000) return fail('INVALID_INPUT', 'feeFixedPaise is 0 to 100,000', 'input', 'feeFixedPaise');
  const { secrets } = s.ctx.platform.config.payments;
  const row = { keyId, secretEnc: secrets.seal(input.keySecret), webhookSecretEnc: input.webhookSecret ? secrets.seal(input.webhookSecret) : null, secretLast4: input.keySecret.slice(-4), feePercentBp: input.feePercentBp, feeFixedPaise: fixed };
  try {
    await clientFor(s.ctx.platform, { provider: input.provider, ...row }).probe();
  } catch (err) {
    const kind = (err as { kind?: string }).kind;
    return kind === 'unavailable'
      ? fail('PAYMENT_GATEWAY_UNAVAILABLE', `${input.provider} did not answer the check; try again shortly`)
      : fail('GATEWAY_REJECTED', `${input.provider} refused these credentials`, 'input', 'keySecret');
  }
  const account = await repo.upsertAccount(s.db, input.provider, row, clock.now());
  await s.ctx.audit({ action: 'billing.gateway.connect', tenantId: s.tenantId, targetType: 'GatewayAccount', targetId: input.provider, details: { keyId, secretLast4: row.secretLast4, feePercentBp: row.feePercentBp, feeFixedPaise: fixed } });
  return { account, userErrors: [] };
}

export async function disconnectAccount(s: BillingScope, provider: Provider) {
  const existing = await repo.findAccount(s.db, provider);
  if (!existing) return fail('NOT_FOUND', `No ${provider} account is connected`);
  const account = await repo.deactivate(s.db, provider);
  await s.ctx.audit({ action: 'billing.gateway.disconnect', tenantId: s.tenantId, targetType: 'GatewayAccount', targetId: provider });
  return { account, userErrors: [] };
}

export const activeAccounts = (db: TenantPrisma) => repo.activeAccountsOf(db, PROVIDERS);

/** A call to the gateway failed without an answer: count it, and mark the gateway down after DOWN_AFTER_FAILURES in a row. */
export const recordFailure = (db: TenantPrisma, provider: Provider, reason: string, now = clock.now()): Promise<void> => repo.recordFailure(db, provider, reason, now, DOWN_AFTER_FAILURES, COOL_OFF_MS);

export const recordSuccess = (db: TenantPrisma, provider: Provider): Promise<void> => repo.recordSuccess(db, provider);

/** The provider said it is down (Razorpay's payment.downtime.started): down until it says it is resolved (at most a day). */
export async function markDown(db: TenantPrisma, provider: Provider, reason: string, untilMs = 24 * 3_600_000): Promise<void> {
  await repo.markDownUntil(db, provider, new Date(clock.nowMs() + untilMs), reason);
}

/**
 * Accounts that may take an order now. One whose cool-off has passed is probed first: up again if it
 * answers, down for another cool-off if not.
 */
export async function usableAccounts(platform: Platform, db: TenantPrisma, now = clock.now()): Promise<AccountRow[]> {
  const out: AccountRow[] = [];
  for (const a of await activeAccounts(db)) {
    if (isDown(a, now)) continue;
    if (a.downReason) {
      try {
        await clientFor(platform, a).probe();
        await recordSuccess(db, a.provider as Provider);
      } catch {
        await repo.markDownUntil(db, a.provider, new Date(now.getTime() + COOL_OFF_MS));
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/** Every connected account of the tenant (shown to owners; secrets never leave). */
export const listAccounts = (db: TenantPrisma) => repo.listAccounts(db);
/** Accounts connected, healthy or not (routing reports the down ones). */
export const connectedAccounts = (db: TenantPrisma) => repo.connectedAccounts(db);
