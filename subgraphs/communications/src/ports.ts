// The messages port (runtime ports.ts): what other subgraphs may send through communications — in-app
// notifications, which each account's preferences filter and the live stream carries, SMS through
// approved DLT templates, and a phone's consent to promotional SMS. Provided when
// this module loads.
import { providePorts } from '@studyspot/runtime';
import { notifyInApp } from './inbox/inbox.service.ts';
import { smsDayFacts } from './sms/dayfacts.repository.ts';
import { setConsent } from './sms/sms.repository.ts';
import { sendSms } from './sms/sms.service.ts';

const SMS_CODES = ['INVALID_INPUT', 'NOT_FOUND', 'TEMPLATE_NOT_APPROVED', 'CONSENT_REQUIRED', 'INSUFFICIENT_CREDITS', 'DUPLICATE'] as const;

providePorts({
  messages: {
    consent: async (db, phone, promotional) => void (await setConsent(db, phone, promotional)),
    sms: async (ctx, tenantId, db, i) => {
      const sent = await sendSms(ctx, tenantId, db, i);
      if ('message' in sent) return { messageId: sent.message.id, status: sent.message.status };
      const e = sent.userErrors[0]!;
      const code = SMS_CODES.find((c) => c === e.code) ?? 'INVALID_INPUT';
      return { error: { code, message: e.message } };
    },
    inApp: async (deps, i) => (await notifyInApp(deps, i)).length,
    dayFacts: (db, range) => smsDayFacts(db, range),
  },
});
