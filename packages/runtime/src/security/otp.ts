// The port through which one-time passwords reach a phone. The communications subgraph backs it
// with MSG91; until then (and in development) the dev sender writes the code to the log and keeps
// the latest code per phone in memory so tests and a developer at the console can read it.
import type { Logger } from '../observability/logger.ts';

import type { SmsConfig } from '../config.ts';
import { Msg91Client, msg91Mobile } from '../msg91/msg91.ts';

export interface OtpSender {
  readonly kind: string;
  send(message: { phone: string; code: string; expiresInMinutes: number; tenantId: string }): Promise<void>;
}

export class DevOtpSender implements OtpSender {
  readonly kind = 'dev-log';
  private readonly latest = new Map<string, string>();

  constructor(
    private readonly logger: Logger,
    /** Production only gets here with STUDYSPOT_INSECURE_LOG_OTP_CODES=1 (see config.ts): say so on every line. */
    private readonly production = false,
  ) {}

  async send(m: { phone: string; code: string; expiresInMinutes: number; tenantId: string }): Promise<void> {
    this.latest.set(`${m.tenantId}:${m.phone}`, m.code);
    const message = this.production ? 'INSECURE OTP IN LOG (STUDYSPOT_INSECURE_LOG_OTP_CODES=1; staging only)' : 'DEV OTP (no SMS provider configured)';
    this.logger.warn({ phone: m.phone, tenantId: m.tenantId, otp: m.code, expiresInMinutes: m.expiresInMinutes }, message);
  }

  /** The last code sent to a phone of a tenant (development and tests only). */
  lastCode(tenantId: string, phone: string): string | undefined {
    return this.latest.get(`${tenantId}:${phone}`);
  }
}

/**
 * OTP codes through MSG91's OTP API when MSG91 is configured (read at each send: the embedded gateway
 * configures its simulator after start-up), else the dev logging sender (outside production only:
 * config.ts refuses production without MSG91 or the explicit insecure opt-in).
 */
export class ConfiguredOtpSender implements OtpSender {
  private readonly latest = new Map<string, string>();

  constructor(
    private readonly config: { sms: SmsConfig | null; production: boolean },
    private readonly fallback: OtpSender,
  ) {}

  get kind(): string {
    return this.config.sms ? 'msg91' : this.fallback.kind;
  }

  /** The last code sent to a phone of a tenant, outside production only (tests and local development). */
  lastCode(tenantId: string, phone: string): string | undefined {
    return this.latest.get(`${tenantId}:${phone}`);
  }

  async send(m: { phone: string; code: string; expiresInMinutes: number; tenantId: string }): Promise<void> {
    if (!this.config.production) this.latest.set(`${m.tenantId}:${m.phone}`, m.code);
    const sms = this.config.sms;
    if (!sms) return this.fallback.send(m);
    await new Msg91Client(sms).sendOtp(sms.otpTemplateId, msg91Mobile(m.phone), m.code, m.expiresInMinutes);
  }
}
