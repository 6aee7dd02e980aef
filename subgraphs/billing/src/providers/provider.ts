// The port billing calls a payment gateway through. Production implementations are the providers'
// own SDKs (razorpay, cashfree-pg), pointed at the real APIs or at the local simulators; money
// crosses this port in integer paise only (Cashfree's rupee amounts are converted at its edge).
export type Provider = 'razorpay' | 'cashfree';
export const PROVIDERS: readonly Provider[] = ['razorpay', 'cashfree'];

/** A stored provider name as the API's PaymentProvider enum (rows keep the lower-case name). */
export function providerEnum(p: string): 'RAZORPAY' | 'CASHFREE' {
  if (p === 'razorpay') return 'RAZORPAY';
  if (p === 'cashfree') return 'CASHFREE';
  throw new Error(`Unknown payment provider ${p}`);
}

export interface ProviderOrder {
  providerOrderId: string;
  /** What a checkout needs: Razorpay's key id, or Cashfree's payment_session_id. */
  checkout: { keyId?: string; paymentSessionId?: string };
}

export type ProviderPaymentStatus = 'captured' | 'failed' | 'pending';

export interface ProviderPayment {
  providerPaymentId: string;
  status: ProviderPaymentStatus;
  amountPaise: number;
  currency: string;
  method: string | null;
  /** The gateway's fee with its GST, when it reports one. */
  feePaise: number | null;
  /** The bank's reference for the payment (UPI: the RRN/UTR the payer sees), when the gateway gives one. */
  bankReference: string | null;
}

export type ProviderRefundStatus = 'pending' | 'processed' | 'failed';

export interface ProviderRefund {
  providerRefundId: string;
  status: ProviderRefundStatus;
}

export interface GatewayClient {
  readonly provider: Provider;
  readonly keyId: string;
  /** `notifyUrl`: where this order's payment webhooks go (Cashfree takes it per order; Razorpay only from its dashboard). */
  createOrder(input: { reference: string; amountPaise: number; customer: { id: string; phone: string; name: string; email?: string | null }; notifyUrl?: string }): Promise<ProviderOrder>;
  orderPayments(providerOrderId: string): Promise<ProviderPayment[]>;
  refund(input: { providerOrderId: string; providerPaymentId: string; amountPaise: number; reference: string }): Promise<ProviderRefund>;
  /** A harmless authenticated call: do these credentials work, is the gateway answering? */
  probe(): Promise<void>;
}

/**
 * A gateway call that failed. `unavailable`: timeout, network error or a 5xx — try the other gateway
 * and count towards marking this one down. `rejected`: the gateway refused this request (4xx).
 * `auth`: the credentials are wrong.
 */
export class GatewayError extends Error {
  constructor(
    readonly provider: Provider,
    readonly kind: 'unavailable' | 'rejected' | 'auth',
    message: string,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'GatewayError';
  }
}

/** Classifies an HTTP status (undefined: no answer at all). */
export function gatewayError(provider: Provider, status: number | undefined, message: string): GatewayError {
  if (status === undefined || status >= 500 || status === 429 || status === 408) return new GatewayError(provider, 'unavailable', message);
  if (status === 401 || status === 403) return new GatewayError(provider, 'auth', message);
  return new GatewayError(provider, 'rejected', message);
}
