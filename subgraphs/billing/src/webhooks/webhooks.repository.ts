// The only code that reads or writes provider webhook events (de-duplication by provider and event id).
import type { TenantPrisma } from '@studyspot/db';
import { isViolation, orViolation } from '@studyspot/runtime';

const key = (provider: string, eventId: string) => ({ provider_eventId: { provider, eventId } });

export const seen = async (db: TenantPrisma, provider: string, eventId: string) => Boolean(await db.webhookEvent.findUnique({ where: key(provider, eventId), select: { eventId: true } }));

/** Records the event as being processed; false when another delivery recorded it first. */
export async function claim(db: TenantPrisma, e: { provider: string; eventId: string; eventType: string; payload: object }): Promise<boolean> {
  const r = await orViolation(db.webhookEvent.create({ data: { ...e, outcome: 'processing' } }));
  return !isViolation(r);
}

export const setOutcome = (db: TenantPrisma, provider: string, eventId: string, outcome: string) => db.webhookEvent.update({ where: key(provider, eventId), data: { outcome } });

/** Forgets an event whose processing failed, so the provider's redelivery is processed again. */
export async function forget(db: TenantPrisma, provider: string, eventId: string): Promise<void> {
  await db.webhookEvent.deleteMany({ where: { provider, eventId } });
}
