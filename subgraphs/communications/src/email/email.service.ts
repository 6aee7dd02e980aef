// Email notifications through SMTP with nodemailer (SMTP_URL; a local SMTP sink in tests). Without
// SMTP outside production, nodemailer's JSON transport builds the message and it is logged, so a
// newcomer sees what would have gone. Quiet hours hold back what is not urgent: such an email waits
// in the tenant's outbox until the hours end (the minute sweep sends it).
import type { TenantPrisma } from '@studyspot/db';
import { clock, type Platform } from '@studyspot/runtime';
import nodemailer, { type Transporter } from 'nodemailer';
import { quietHoursEnd, settingsOf } from '../inbox/inbox.service.ts';
import * as repo from './email.repository.ts';

const transports = new Map<string, Transporter>();

/** One pooled transport per SMTP URL (the JSON transport without one). */
function transport(platform: Platform): Transporter {
  const url = platform.config.email.smtpUrl;
  if (!url && platform.config.production) throw new Error('SMTP_URL is required to send email in production');
  const key = url ?? 'json';
  let t = transports.get(key);
  if (!t) {
    t = url ? nodemailer.createTransport(url) : nodemailer.createTransport({ jsonTransport: true });
    transports.set(key, t);
  }
  return t;
}

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export async function sendEmail(platform: Platform, e: Email): Promise<string> {
  const info = await transport(platform).sendMail({ from: platform.config.email.from, to: e.to, subject: e.subject, text: e.text });
  if (!platform.config.email.smtpUrl) platform.logger.warn({ to: e.to, subject: e.subject }, 'DEV EMAIL (no SMTP_URL configured)');
  return info.messageId;
}

/** Now, or after the quiet hours for what is not urgent. */
export async function emailOrDefer(platform: Platform, tenantId: string, db: TenantPrisma, e: Email & { urgent?: boolean }, now = clock.now()): Promise<'sent' | 'deferred'> {
  // The end of the quiet hours `now` is in (null outside them).
  const quietEnd = e.urgent ? null : quietHoursEnd(await settingsOf(db), now);
  if (quietEnd) {
    await repo.hold(db, { to: e.to, subject: e.subject, text: e.text });
    // The messages sweep sends it when the quiet hours end.
    await platform.work.due(tenantId, 'messages', quietEnd);
    return 'deferred';
  }
  await sendEmail(platform, e);
  return 'sent';
}

/** Outbox emails, once the quiet hours are over. */
export async function sendDeferredEmails(platform: Platform, db: TenantPrisma, now: Date, quiet: boolean): Promise<number> {
  if (quiet) return 0;
  const due = await repo.waiting(db);
  for (const m of due) if (await repo.claim(db, m.id, now)) await sendEmail(platform, m);
  return due.length;
}

/** Whether an email waits in the outbox. */
export const emailWaiting = (db: TenantPrisma) => repo.anyWaiting(db);
