// What both payment simulators share: accounts with their credentials and webhook target, switches
// that make the API go down or stall, and a webhook sender that signs like the provider and can be
// told to delay, duplicate or reorder deliveries (as real gateways do: at least once, any order).
import { createHmac, randomBytes } from 'node:crypto';
import type { Router } from 'express';

export interface SimAccount {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** Where this account's webhooks go (a real dashboard is set up by hand; here the tenant's connect step says it). */
  webhookUrl: string | null;
}

export type Mode = 'up' | 'down' | 'timeout';

export interface WebhookPolicy {
  delayMs: number;
  /** Extra copies of each delivery. */
  duplicates: number;
  /** Send a batch of webhooks in reverse order. */
  reverse: boolean;
  /** Lose every delivery (the provider's webhooks never arrive). */
  drop: boolean;
  /**
   * A delivery answered with a 5xx, or not answered, is tried again this many times, after
   * `retryDelayMs`, doubling (the providers retry for 24 h; a test needs seconds). 4xx is final.
   */
  retries: number;
  retryDelayMs: number;
}

const WEBHOOK_DEFAULTS: WebhookPolicy = { delayMs: 0, duplicates: 0, reverse: false, drop: false, retries: 4, retryDelayMs: 500 };

export interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
}

/**
 * Test accounts derived from a secret instead of registered: the key id names the tenant's webhook
 * key, the secrets are HMACs of the key id. The gateway's own simulators use this, so test accounts
 * survive restarts without the simulator keeping any state (see `credentialsFor`).
 */
export interface DerivedAccounts {
  secret: string;
  /** Where this deployment's webhooks are: <webhookBase>/webhooks/<provider>/<webhookKey>. */
  webhookBase: () => string;
}

export class SimulatorState {
  readonly accounts = new Map<string, SimAccount>();
  derived: DerivedAccounts | null = null;
  mode: Mode = 'up';
  webhooks: WebhookPolicy = { ...WEBHOOK_DEFAULTS };
  /** Every delivery attempted, newest last (tests read it). */
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly provider: 'razorpay' | 'cashfree') {}

  register(account: Partial<SimAccount> & { keyId?: string }): SimAccount {
    const prefix = this.provider === 'razorpay' ? 'rzp_test_' : 'CF_TEST_';
    const a: SimAccount = {
      keyId: account.keyId ?? `${prefix}${randomBytes(7).toString('hex')}`,
      keySecret: account.keySecret ?? randomBytes(18).toString('base64url'),
      webhookSecret: account.webhookSecret ?? randomBytes(18).toString('base64url'),
      webhookUrl: account.webhookUrl ?? null,
    };
    this.accounts.set(a.keyId, a);
    return a;
  }

  authenticate(keyId: string | undefined, secret: string | undefined): SimAccount | null {
    const a = keyId ? (this.accounts.get(keyId) ?? this.derivedAccount(keyId)) : undefined;
    return a && a.keySecret === secret ? a : null;
  }

  private prefix(): string {
    return this.provider === 'razorpay' ? 'rzp_test_' : 'CF_TEST_';
  }

  /** The derived test account of a tenant's webhook key (the gateway's simulators only). */
  credentialsFor(webhookKey: string): SimAccount | null {
    if (!this.derived || !/^[0-9a-f-]{36}$/.test(webhookKey)) return null;
    return this.derivedAccount(`${this.prefix()}${webhookKey.replace(/-/g, '')}`);
  }

  private derivedAccount(keyId: string): SimAccount | null {
    const m = this.derived && new RegExp(`^${this.prefix()}([0-9a-f]{32})$`).exec(keyId);
    if (!m || !this.derived) return null;
    const hex = m[1]!;
    const webhookKey = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const derive = (what: string) => createHmac('sha256', this.derived!.secret).update(`${this.provider}:${what}:${keyId}`).digest('base64url').slice(0, 24);
    const account: SimAccount = { keyId, keySecret: derive('key'), webhookSecret: derive('webhook'), webhookUrl: `${this.derived.webhookBase()}/webhooks/${this.provider}/${webhookKey}` };
    this.accounts.set(keyId, account);
    return account;
  }

  /**
   * Sends signed webhooks for one account (to `url`, e.g. an order's own notify URL, else the
   * account's), after the configured delay, duplicated, reversed or lost as told.
   */
  send(account: SimAccount, events: { body: string; headers: (body: string) => Record<string, string> }[], target?: string | null): Promise<void> {
    const url = target || account.webhookUrl;
    if (!url || this.webhooks.drop) return Promise.resolve();
    const ordered = this.webhooks.reverse ? [...events].reverse() : events;
    const copies = 1 + this.webhooks.duplicates;
    const run = (async () => {
      if (this.webhooks.delayMs) await new Promise((r) => setTimeout(r, this.webhooks.delayMs));
      for (const e of ordered) {
        for (let i = 0; i < copies; i++) {
          const { retries, retryDelayMs } = this.webhooks;
          for (let attempt = 0; ; attempt++) {
            // Signed afresh for each attempt, as the providers do (a fresh timestamp).
            const delivery: Delivery = { url, headers: { 'content-type': 'application/json', ...e.headers(e.body) }, body: e.body, status: null };
            this.deliveries.push(delivery);
            try {
              const res = await fetch(url, { method: 'POST', headers: delivery.headers, body: e.body, signal: AbortSignal.timeout(10_000) });
              delivery.status = res.status;
              await res.arrayBuffer();
            } catch {
              delivery.status = 0;
            }
            if ((delivery.status !== 0 && delivery.status < 500) || attempt >= retries) break;
            await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** attempt));
          }
        }
      }
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    return run;
  }

  /** Resolves when every webhook sent so far has been delivered (or failed). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  reset(): void {
    this.mode = 'up';
    this.webhooks = { ...WEBHOOK_DEFAULTS };
  }
}

export const randomId = (prefix: string, bytes = 7) => `${prefix}${randomBytes(bytes).toString('hex')}`;
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The control endpoints both simulators share (not the providers' API): accounts and switches. No
 * route hands out a tenant's secrets: the gateway's demo seed reads its derived accounts in process.
 */
export function controlRoutes(router: Router, state: SimulatorState): void {
  router.post('/__sim/accounts', (req, res) => void res.json(state.register(req.body ?? {})));
  router.post('/__sim/mode', (req, res) => {
    state.mode = req.body.mode ?? 'up';
    if (req.body.webhooks) state.webhooks = { ...state.webhooks, ...req.body.webhooks };
    res.json({ mode: state.mode, webhooks: state.webhooks });
  });
}
