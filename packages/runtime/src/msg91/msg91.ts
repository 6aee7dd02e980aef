// Our MSG91 client (the official package hard-codes its hosts): the v5 Flow send and OTP send, with a
// timeout per attempt and retries with backoff for what is transient (no answer, 5xx, 429). A 4xx is
// MSG91 refusing this request: not retried. The base URL is MSG91's or the local simulator's.
import type { SmsConfig } from '../config.ts';

export class Msg91Error extends Error {
  constructor(
    /** unavailable: no answer or 5xx (retried, then given up); rejected: MSG91 refused it; auth: the key is wrong. */
    readonly kind: 'unavailable' | 'rejected' | 'auth',
    message: string,
  ) {
    super(message);
    this.name = 'Msg91Error';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Msg91Client {
  constructor(
    private readonly config: Pick<SmsConfig, 'apiUrl' | 'authKey' | 'timeoutMs'>,
    private readonly retries = 2,
    private readonly backoffMs = 200,
  ) {}

  private async call(path: string, init: { query?: Record<string, string>; body?: unknown }): Promise<Record<string, unknown>> {
    const url = new URL(path, this.config.apiUrl.endsWith('/') ? this.config.apiUrl : `${this.config.apiUrl}/`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    let last: Msg91Error = new Msg91Error('unavailable', 'MSG91 did not answer');
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt) await sleep(this.backoffMs * 2 ** (attempt - 1));
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authkey: this.config.authKey, 'content-type': 'application/json', accept: 'application/json' },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(this.config.timeoutMs),
        });
      } catch (err) {
        last = new Msg91Error('unavailable', `MSG91 did not answer: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`);
        continue;
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (res.status >= 500 || res.status === 429) {
        last = new Msg91Error('unavailable', `MSG91 answered ${res.status}`);
        continue;
      }
      if (res.status === 401 || res.status === 403) throw new Msg91Error('auth', 'MSG91 refused the auth key');
      if (res.status >= 400 || body.type === 'error') throw new Msg91Error('rejected', String(body.message ?? `MSG91 answered ${res.status}`).slice(0, 200));
      return body;
    }
    throw last;
  }

  /** One Flow request; recipients carry `mobiles` (91XXXXXXXXXX) and the template's variables. Returns MSG91's request id. */
  async sendFlow(templateId: string, recipients: Record<string, string>[]): Promise<string> {
    const body = await this.call('api/v5/flow', { body: { template_id: templateId, short_url: '0', recipients } });
    return String(body.message);
  }

  /** An OTP we generated, sent with MSG91's OTP API. */
  async sendOtp(templateId: string, mobile: string, otp: string, expiryMinutes: number): Promise<void> {
    await this.call('api/v5/otp', { query: { template_id: templateId, mobile, otp, otp_expiry: String(expiryMinutes) } });
  }
}

/** +91XXXXXXXXXX / XXXXXXXXXX → 91XXXXXXXXXX, as MSG91 wants it. */
export const msg91Mobile = (phone: string) => `91${phone.replace(/\D/g, '').slice(-10)}`;
