// Tenants pay the platform online: an invoice (a period, an upgrade) or a credit pack, through the
// platform's own Razorpay account (PLATFORM_RAZORPAY_*; outside production the gateway's simulator)
// with the same SDK client as tenants' payments. The platform's webhook is
// POST /webhooks/razorpay/platform: signature checked before anything is parsed, each event recorded
// once, the amount checked against the invoice; a paid invoice restores a past-due subscription, and
// a paid pack puts its credits in the wallet (once: the ledger key is the invoice).
import { createHash } from 'node:crypto';
import { clock, istToday, isUuid, rupees, type Platform, type SubgraphContext } from '@studyspot/runtime';
import { creditTenant } from '../credits/credits.service.ts';
import { apiBase } from '../providers/accounts.ts';
import { RazorpayClient } from '../providers/razorpay.client.ts';
import { GatewayError } from '../providers/provider.ts';
import { readRazorpayEvent } from '../webhooks/shapes.ts';
import { razorpaySignatureValid } from '../webhooks/verify.ts';
import { issueInvoice } from './invoices.service.ts';
import { invoicePaid } from './renewals.ts';
import * as repo from './platform.repository.ts';
import { platformFail as fail } from '../errors.ts';


export const PACK_SIZES = { min: 100, max: 1_000_000, step: 100 };

function client(platform: Platform) {
  const g = platform.config.platformGateway;
  return g ? new RazorpayClient(apiBase(platform, 'razorpay'), g.keyId, g.keySecret, platform.config.payments.timeoutMs) : null;
}

function simulatorUrl(platform: Platform, providerOrderId: string): string | null {
  return platform.config.payments.razorpayUrl && !platform.config.payments.razorpayUrl.includes('/_simulators/') ? null : `${apiBase(platform, 'razorpay')}/__sim/checkout/${providerOrderId}`;
}

/** An order at the platform's gateway for an open invoice of the caller's tenant (the same order when asked again). */
export async function payInvoiceOnline(ctx: SubgraphContext, tenantId: string, invoiceId: string) {
  const inv = isUuid(invoiceId) ? await repo.findInvoice(ctx.core, invoiceId) : null;
  if (!inv || inv.tenantId !== tenantId) return fail('NOT_FOUND', 'No such invoice', 'invoiceId');
  if (inv.status !== 'OPEN') return fail('INVALID_STATE', `The invoice is ${inv.status}`, 'invoiceId');
  const gw = client(ctx.platform);
  if (!gw) return fail('INVALID_STATE', 'The platform takes no online payments here: pay by bank transfer and send the reference');
  const checkout = (providerOrderId: string) => ({ provider: 'RAZORPAY', providerOrderId, keyId: gw.keyId, amountPaise: inv.totalPaise, simulatorUrl: simulatorUrl(ctx.platform, providerOrderId) });
  if (inv.providerOrderId) return { invoice: inv, checkout: checkout(inv.providerOrderId), userErrors: [] };
  try {
    const order = await gw.createOrder({ reference: inv.id, amountPaise: inv.totalPaise });
    const saved = await repo.setInvoiceOrder(ctx.core, inv.id, order.providerOrderId);
    return { invoice: inv, checkout: checkout(saved), userErrors: [] };
  } catch (err) {
    if (err instanceof GatewayError) return fail('PAYMENT_GATEWAY_UNAVAILABLE', 'The payment gateway is not answering; try again shortly');
    throw err;
  }
}

/** A pack of credits at the retail price: an invoice, paid online; the credits arrive with the payment. */
export async function buyCreditPack(ctx: SubgraphContext, tenantId: string, credits: number, idempotencyKey: string): ReturnType<typeof payInvoiceOnline> {
  if (!Number.isInteger(credits) || credits < PACK_SIZES.min || credits > PACK_SIZES.max || credits % PACK_SIZES.step) return fail('INVALID_INPUT', `Packs are ${PACK_SIZES.min} to ${PACK_SIZES.max} credits, in hundreds`, 'credits');
  const price = credits * ctx.platform.config.creditPricePaise;
  const day = istToday();
  const inv = await issueInvoice(ctx.platform, { tenantId, kind: 'CREDITS', dedupeKey: `pack:${tenantId}:${idempotencyKey}`, credits, lines: [{ label: `${credits.toLocaleString('en-IN')} SMS credits at ${rupees(ctx.platform.config.creditPricePaise)} each`, amountPaise: price }], issuedOn: day, dueOn: day });
  return payInvoiceOnline(ctx, tenantId, inv.id);
}

/** What a paid invoice does beyond being paid: a pack's credits. */
async function afterPaid(platform: Platform, inv: { id: string; tenantId: string; kind: string; credits: number | null; taxablePaise: number }) {
  if (inv.kind !== 'CREDITS' || !inv.credits) return;
  const r = await creditTenant({ core: platform.core, events: platform.events }, { tenantId: inv.tenantId, credits: inv.credits, kind: 'RETAIL_PURCHASE', amountPaise: inv.taxablePaise, memo: 'Credit pack', idempotencyKey: `pack-paid:${inv.id}` });
  if ('error' in r) platform.logger.error({ invoiceId: inv.id }, `credit pack paid but not granted: ${r.message}`);
}

export async function settleInvoicePayment(platform: Platform, invoiceId: string, reference: string) {
  // A platform admin or the platform's webhook pays it: the day is the invoice tenant's (its test clock's, if any).
  const owner = isUuid(invoiceId) ? await repo.invoiceTenant(platform.core, invoiceId) : null;
  return clock.at(await platform.clocks.timeFor(owner), async () => {
    const inv = await invoicePaid(platform, invoiceId, reference, istToday());
    if (inv?.status === 'PAID') await afterPaid(platform, inv);
    return inv;
  });
}

/** The platform's webhook: 404 without a platform account, 401 for a bad signature, 200 once per event. */
export async function platformWebhook(platform: Platform, raw: Buffer, headers: { signature?: string; eventId?: string }): Promise<{ status: number; body: object }> {
  const g = platform.config.platformGateway;
  if (!g) return { status: 404, body: { error: 'unknown webhook' } };
  if (!razorpaySignatureValid(raw, headers.signature, g.webhookSecret)) return { status: 401, body: { error: 'bad signature' } };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'body is not JSON' } };
  }
  const e = readRazorpayEvent(body);
  const eventId = headers.eventId && headers.eventId.length <= 200 ? headers.eventId : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  if (await repo.platformEventSeen(platform.core, eventId)) return { status: 200, body: { received: true, duplicate: true } };
  if (!(await repo.claimPlatformEvent(platform.core, eventId, 'ignored' in e ? 'unknown' : e.event))) return { status: 200, body: { received: true, duplicate: true } };
  let outcome = 'ignored' in e ? e.ignored : 'ignored';
  try {
    const payment = 'ignored' in e ? undefined : e.payment;
    const orderId = 'ignored' in e ? undefined : (payment?.order_id ?? e.orderId);
    if (!('ignored' in e) && (e.event === 'payment.captured' || e.event === 'order.paid') && orderId) {
      const inv = await repo.invoiceByProviderOrder(platform.core, orderId);
      if (!inv) outcome = 'unknown order';
      else if (payment && (payment.amount !== inv.totalPaise || (payment.currency ?? 'INR') !== 'INR')) {
        outcome = 'amount mismatch: left open for review';
        platform.logger.error({ invoiceId: inv.id, amount: payment.amount, expected: inv.totalPaise }, 'platform payment amount differs from the invoice');
      } else {
        await settleInvoicePayment(platform, inv.id, payment?.id ?? orderId);
        outcome = 'settled';
      }
    }
    await repo.setPlatformEventOutcome(platform.core, eventId, outcome);
    return { status: 200, body: { received: true, outcome } };
  } catch (err) {
    await repo.forgetPlatformEvent(platform.core, eventId);
    throw err;
  }
}
