// Cheapest-gateway routing with failover. For the amount, each usable account's fee (its own rule,
// GST included) is computed; the cheapest is tried first, and when creating the order there fails or
// times out the next one is tried in the same call. Failures count towards marking a gateway down.
import type { TenantPrisma } from '@studyspot/db';
import type { Platform } from '@studyspot/runtime';
import { clientFor, connectedAccounts, recordFailure, recordSuccess, usableAccounts, webhookUrl, type AccountRow } from './accounts.ts';
import { gatewayFee } from './money.ts';
import { GatewayError, type Provider, type ProviderOrder } from './provider.ts';

export interface RoutingDecision {
  chosen: Provider;
  reason: string;
  /** Each usable gateway's fee for this amount, GST included. */
  fees: { provider: Provider; feePaise: number }[];
  /** Gateways tried before the chosen one, with why they failed. */
  tried: { provider: Provider; error: string }[];
}

const rupees = (p: number) => `₹${(p / 100).toFixed(2)}`;

export function rank(accounts: AccountRow[], amountPaise: number): { account: AccountRow; feePaise: number }[] {
  return accounts
    .map((account) => ({ account, feePaise: gatewayFee(amountPaise, { percentBp: account.feePercentBp, fixedPaise: account.feeFixedPaise }) }))
    .sort((a, b) => a.feePaise - b.feePaise || a.account.provider.localeCompare(b.account.provider));
}

export type RoutedOrder = { order: ProviderOrder; decision: RoutingDecision; account: AccountRow } | { unavailable: RoutingDecision | null };

export async function createOrderRouted(
  platform: Platform,
  db: TenantPrisma,
  input: { reference: string; amountPaise: number; customer: { id: string; phone: string; name: string; email?: string | null }; webhookKey: string },
): Promise<RoutedOrder> {
  const all = await connectedAccounts(db);
  const ranked = rank(await usableAccounts(platform, db), input.amountPaise);
  if (!ranked.length) {
    return { unavailable: all.length ? { chosen: 'razorpay', reason: 'every connected gateway is marked down', fees: [], tried: all.map((a) => ({ provider: a.provider as Provider, error: a.downReason ?? 'down' })) } : null };
  }
  const fees = ranked.map((r) => ({ provider: r.account.provider as Provider, feePaise: r.feePaise }));
  const down = all.filter((a) => !ranked.some((r) => r.account.provider === a.provider)).map((a) => a.provider);
  const tried: RoutingDecision['tried'] = [];
  for (const [i, { account, feePaise }] of ranked.entries()) {
    const provider = account.provider as Provider;
    try {
      const order = await clientFor(platform, account).createOrder({ ...input, notifyUrl: webhookUrl(platform, provider, input.webhookKey) });
      await recordSuccess(db, provider);
      const others = ranked.slice(1).map((r) => `${r.account.provider} ${rupees(r.feePaise)}`).join(', ');
      const tie = ranked.length > 1 && i === 0 && ranked[1]!.feePaise === feePaise;
      const cheaper =
        ranked.length > 1 && i === 0
          ? tie
            ? `tie: fee ${rupees(feePaise)} at ${ranked.filter((r) => r.feePaise === feePaise).map((r) => r.account.provider).join(' and ')} for ${rupees(input.amountPaise)}; ${provider} chosen by the tie rule (providers in alphabetical order)`
            : `cheapest: fee ${rupees(feePaise)} against ${others} for ${rupees(input.amountPaise)}`
          : null;
      const reason =
        tried.length > 0
          ? `failover: ${tried.map((t) => `${t.provider} failed (${t.error})`).join('; ')}; ${provider} fee ${rupees(feePaise)}`
          : (cheaper ?? `only usable gateway${down.length ? ` (${down.join(', ')} marked down)` : ''}: fee ${rupees(feePaise)}`);
      return { order, account, decision: { chosen: provider, reason, fees, tried } };
    } catch (err) {
      const e = err instanceof GatewayError ? err : new GatewayError(provider, 'unavailable', (err as Error).message);
      tried.push({ provider, error: e.message.replace(`${provider}: `, '') });
      if (e.kind === 'unavailable') await recordFailure(db, provider, e.message);
      platform.logger.warn({ provider, kind: e.kind, err: e.message }, 'payment gateway failed to create an order');
    }
  }
  return { unavailable: { chosen: fees[0]!.provider, reason: 'every gateway failed', fees, tried } };
}
