// Cashfree PG through its own SDK (cashfree-pg 6). One SDK instance per tenant account; `basePath`
// points it at the API (or the simulator), error analytics are off (the 7th argument), and every call
// carries a timeout. Amounts cross here between Cashfree's rupees and our paise.
import { Cashfree, CFEnvironment } from 'cashfree-pg';
import { paiseToRupees, rupeesToPaise } from './money.ts';
import { gatewayError, type GatewayClient, type ProviderPayment, type ProviderRefundStatus } from './provider.ts';

interface AxiosLikeError {
  response?: { status?: number; data?: { message?: string } };
  message?: string;
}

export class CashfreeClient implements GatewayClient {
  readonly provider = 'cashfree' as const;
  private readonly sdk: Cashfree;

  constructor(
    baseUrl: string,
    readonly keyId: string,
    clientSecret: string,
    private readonly timeoutMs: number,
  ) {
    const live = /api\.cashfree\.com/.test(baseUrl);
    this.sdk = new Cashfree(live ? CFEnvironment.PRODUCTION : CFEnvironment.SANDBOX, keyId, clientSecret, undefined, undefined, undefined, false);
    this.sdk.basePath = baseUrl;
  }

  private async call<T>(what: string, f: (options: { timeout: number }) => Promise<{ data: T }>): Promise<T> {
    try {
      return (await f({ timeout: this.timeoutMs })).data;
    } catch (err) {
      const e = err as AxiosLikeError;
      const status = e.response?.status;
      throw gatewayError('cashfree', status, `${what}: ${e.response?.data?.message ?? (status ? `HTTP ${status}` : 'no answer (timeout or network)')}`);
    }
  }

  async createOrder(input: { reference: string; amountPaise: number; customer: { id: string; phone: string; name: string; email?: string | null }; notifyUrl?: string }) {
    const order = await this.call('create order', (o) =>
      this.sdk.PGCreateOrder(
        {
          order_id: input.reference,
          order_amount: paiseToRupees(input.amountPaise),
          order_currency: 'INR',
          customer_details: { customer_id: input.customer.id, customer_phone: input.customer.phone.slice(-10), customer_name: input.customer.name, customer_email: input.customer.email ?? undefined },
          order_note: `StudySpot ${input.reference}`,
          ...(input.notifyUrl ? { order_meta: { notify_url: input.notifyUrl } } : {}),
        },
        undefined,
        input.reference,
        o,
      ),
    );
    return { providerOrderId: order.order_id ?? input.reference, checkout: { paymentSessionId: order.payment_session_id ?? undefined } };
  }

  async orderPayments(providerOrderId: string): Promise<ProviderPayment[]> {
    const list = await this.call('fetch payments', (o) => this.sdk.PGOrderFetchPayments(providerOrderId, undefined, undefined, o));
    return list.map((p) => ({
      providerPaymentId: String(p.cf_payment_id),
      status: p.payment_status === 'SUCCESS' ? 'captured' : p.payment_status === 'PENDING' || p.payment_status === 'NOT_ATTEMPTED' ? 'pending' : 'failed',
      amountPaise: rupeesToPaise(p.payment_amount ?? 0),
      currency: p.payment_currency ?? 'INR',
      method: p.payment_group ?? null,
      feePaise: null,
      bankReference: p.bank_reference ?? null,
    }));
  }

  async refund(input: { providerOrderId: string; amountPaise: number; reference: string }) {
    const r = await this.call('refund', (o) =>
      this.sdk.PGOrderCreateRefund(input.providerOrderId, { refund_amount: paiseToRupees(input.amountPaise), refund_id: input.reference, refund_speed: 'STANDARD' }, undefined, input.reference, o),
    );
    const status: ProviderRefundStatus = r.refund_status === 'SUCCESS' ? 'processed' : r.refund_status === 'CANCELLED' ? 'failed' : 'pending';
    return { providerRefundId: String(r.refund_id ?? input.reference), status };
  }

  async probe(): Promise<void> {
    // Asking for an order that does not exist: 404 means the credentials work and Cashfree answers.
    try {
      await this.call('probe', (o) => this.sdk.PGFetchOrder('studyspot-probe', undefined, undefined, o));
    } catch (err) {
      if ((err as { kind?: string }).kind === 'rejected') return;
      throw err;
    }
  }
}
