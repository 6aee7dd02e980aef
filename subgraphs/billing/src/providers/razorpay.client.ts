// Razorpay through its own SDK. The SDK has no option for its host or a timeout; its axios instance
// (`api.rq`) takes both, which is how it is pointed at the local simulator. A network failure comes
// out of the SDK as a TypeError (it reads `err.response.status`), so anything without a status is
// treated as "no answer".
import Razorpay from 'razorpay';
import { gatewayError, type GatewayClient, type ProviderPayment, type ProviderRefundStatus } from './provider.ts';

interface SdkError {
  statusCode?: number;
  error?: { description?: string; code?: string };
  message?: string;
}

type RazorpayPayment = { id: string; status: string; amount: number | string; currency: string; method?: string; fee?: number | null; acquirer_data?: unknown };

/** The bank's reference in a Razorpay payment's acquirer_data (UPI: rrn, the UTR the payer's app shows; netbanking: bank_transaction_id). */
export function rzpBankReference(acquirer: unknown): string | null {
  if (typeof acquirer !== 'object' || acquirer === null) return null;
  for (const k of ['rrn', 'bank_transaction_id', 'upi_transaction_id']) {
    const v = (acquirer as Record<string, unknown>)[k];
    if (typeof v === 'string' && v.length > 0 && v.length <= 64) return v;
  }
  return null;
}

export class RazorpayClient implements GatewayClient {
  readonly provider = 'razorpay' as const;
  private readonly sdk: Razorpay;

  constructor(
    baseUrl: string,
    readonly keyId: string,
    keySecret: string,
    timeoutMs: number,
  ) {
    this.sdk = new Razorpay({ key_id: keyId, key_secret: keySecret });
    const rq = (this.sdk as unknown as { api: { rq: { defaults: { baseURL: string; timeout: number } } } }).api.rq;
    rq.defaults.baseURL = baseUrl;
    rq.defaults.timeout = timeoutMs;
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      const e = err as SdkError;
      throw gatewayError('razorpay', e.statusCode, `${what}: ${e.error?.description ?? (e.statusCode ? `HTTP ${e.statusCode}` : 'no answer (timeout or network)')}`);
    }
  }

  async createOrder(input: { reference: string; amountPaise: number }) {
    const order = await this.call('create order', () => this.sdk.orders.create({ amount: input.amountPaise, currency: 'INR', receipt: input.reference.slice(0, 40), notes: { studyspot_order: input.reference } }));
    return { providerOrderId: order.id, checkout: { keyId: this.keyId } };
  }

  async orderPayments(providerOrderId: string): Promise<ProviderPayment[]> {
    const list = await this.call('fetch payments', () => this.sdk.orders.fetchPayments(providerOrderId));
    return (list.items as RazorpayPayment[]).map((p) => ({
      providerPaymentId: p.id,
      status: p.status === 'captured' || p.status === 'refunded' ? 'captured' : p.status === 'failed' ? 'failed' : 'pending',
      amountPaise: Number(p.amount),
      currency: p.currency,
      method: p.method ?? null,
      feePaise: typeof p.fee === 'number' ? p.fee : null,
      bankReference: rzpBankReference(p.acquirer_data),
    }));
  }

  async refund(input: { providerPaymentId: string; amountPaise: number; reference: string }) {
    const r = await this.call('refund', () => this.sdk.payments.refund(input.providerPaymentId, { amount: input.amountPaise, speed: 'normal', receipt: input.reference.slice(0, 40), notes: { studyspot_refund: input.reference } }));
    return { providerRefundId: r.id, status: (r.status === 'processed' || r.status === 'failed' ? r.status : 'pending') as ProviderRefundStatus };
  }

  async probe(): Promise<void> {
    await this.call('probe', () => this.sdk.orders.all({ count: 1 }));
  }
}
