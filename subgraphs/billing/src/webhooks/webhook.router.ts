// Payment webhooks, on the gateway's port: POST /webhooks/<provider>/<webhookKey>, where the key is
// the tenant's opaque webhook id. The raw body is kept and the signature checked (in constant time)
// before anything is parsed or written; an unknown tenant or account is 404, a bad or stale signature
// 401, with nothing written. Each delivery is recorded once by the provider's event id: a duplicate is
// acknowledged (200) and not processed again; processing is idempotent anyway, so a delivery that
// failed half-way (500, its record removed) is safe to retry.
import { createHash } from 'node:crypto';
import type { TenantPrisma } from '@studyspot/db';
import { isUuid, ports, type Platform } from '@studyspot/runtime';
import { metrics } from '@studyspot/runtime/observability';
import express, { type Request, type Response, type Router } from 'express';
import { PROVIDERS, type Provider } from '../providers/provider.ts';
import { platformWebhook } from '../platform/payments.ts';
import { handleCashfree } from './cashfree.events.ts';
import { handleRazorpay } from './razorpay.events.ts';
import { cashfreeSignatureCheck, razorpaySignatureValid } from './verify.ts';
import { findAccount } from '../providers/providers.repository.ts';
import * as events from './webhooks.repository.ts';

const OUTCOMES: Record<number, string> = { 200: 'processed', 400: 'malformed', 401: 'refused', 404: 'unknown', 500: 'failed' };
/** Answers a provider, and counts the outcome (metrics: studyspot_payment_webhooks_total). */
const answer = (res: Response, status: number, body: object) => {
  const provider = String(res.req.params.webhookKey === 'platform' ? 'platform' : res.req.params.provider);
  const outcome = 'duplicate' in body ? 'duplicate' : (OUTCOMES[status] ?? 'failed');
  metrics.webhooks.inc({ provider: PROVIDERS.includes(provider as Provider) || provider === 'platform' ? provider : 'other', outcome });
  res.status(status).json(body);
};

function eventId(provider: Provider, req: Request, raw: Buffer): string {
  const header = provider === 'razorpay' ? req.header('x-razorpay-event-id') : req.header('x-idempotency-key');
  return header && header.length <= 200 ? header : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

async function verify(platform: Platform, provider: Provider, account: { secretEnc: string; webhookSecretEnc: string | null }, req: Request, raw: Buffer): Promise<string | null> {
  const { secrets } = platform.config.payments;
  if (provider === 'razorpay') {
    if (!account.webhookSecretEnc) return 'no webhook secret is configured for this account';
    return razorpaySignatureValid(raw, req.header('x-razorpay-signature'), secrets.open(account.webhookSecretEnc)) ? null : 'bad signature';
  }
  const check = cashfreeSignatureCheck(raw, req.header('x-webhook-signature'), req.header('x-webhook-timestamp'), secrets.open(account.secretEnc));
  return check === 'ok' ? null : check === 'stale' ? 'timestamp outside the accepted window' : 'bad signature';
}

async function handle(platform: Platform, provider: Provider, req: Request, res: Response): Promise<void> {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const key = String(req.params.webhookKey);
  const tenant = isUuid(key) ? await ports.tenants.byWebhookKey(platform.core, key) : null;
  if (!tenant || (tenant.status !== 'ACTIVE' && tenant.status !== 'SUSPENDED')) return answer(res, 404, { error: 'unknown webhook' });
  await platform.tenants.withTenant(
    tenant.id,
    async (db: TenantPrisma) => {
      const account = await findAccount(db, provider);
      if (!account) return answer(res, 404, { error: 'unknown webhook' });
      const problem = await verify(platform, provider, account, req, raw);
      if (problem) {
        platform.logger.warn({ tenantId: tenant.id, provider, problem }, 'webhook refused');
        return answer(res, 401, { error: problem });
      }
      let event: unknown;
      try {
        event = JSON.parse(raw.toString('utf8'));
      } catch {
        return answer(res, 400, { error: 'body is not JSON' });
      }
      const id = eventId(provider, req, raw);
      const named = event && typeof event === 'object' ? ((event as { event?: unknown; type?: unknown }).event ?? (event as { type?: unknown }).type) : undefined;
      const type = typeof named === 'string' ? named.slice(0, 100) : 'unknown';
      // Providers redeliver often: a plain read answers a known event without a failed insert.
      if (await events.seen(db, provider, id)) return answer(res, 200, { received: true, duplicate: true });
      if (!(await events.claim(db, { provider, eventId: id, eventType: type, payload: (event ?? {}) as object }))) return answer(res, 200, { received: true, duplicate: true });
      try {
        const outcome = provider === 'razorpay' ? await handleRazorpay(platform, tenant.id, db, event) : await handleCashfree(platform, tenant.id, db, event);
        await events.setOutcome(db, provider, id, outcome);
        answer(res, 200, { received: true, outcome });
      } catch (err) {
        await events.forget(db, provider, id);
        throw err;
      }
    },
    { allowSuspended: true },
  );
}

export function webhookRouter(platform: Platform): Router {
  const router = express.Router();
  router.post('/:provider/:webhookKey', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
    const provider = req.params.provider as Provider;
    if (!PROVIDERS.includes(provider)) return answer(res, 404, { error: 'unknown provider' });
    // The platform's own account (tenants paying the platform), not a tenant's.
    if (req.params.webhookKey === 'platform') {
      if (provider !== 'razorpay') return answer(res, 404, { error: 'unknown webhook' });
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      platformWebhook(platform, raw, { signature: req.header('x-razorpay-signature'), eventId: req.header('x-razorpay-event-id') })
        .then((r) => answer(res, r.status, r.body))
        .catch((err: unknown) => {
          platform.logger.error({ err }, 'platform webhook processing failed');
          answer(res, 500, { error: 'processing failed; deliver again' });
        });
      return;
    }
    handle(platform, provider, req, res).catch((err: unknown) => {
      platform.logger.error({ err, provider }, 'webhook processing failed');
      if (res.headersSent) return next(err);
      answer(res, 500, { error: 'processing failed; deliver again' });
    });
  });
  return router;
}
