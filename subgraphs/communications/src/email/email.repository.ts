// The only code that reads or writes the email outbox (emails held back by quiet hours).
import type { TenantPrisma } from '@studyspot/db';

export const hold = (db: TenantPrisma, e: { to: string; subject: string; text: string }) => db.emailOutbox.create({ data: e });
/** The oldest unsent emails (at most 200). */
export const waiting = (db: TenantPrisma) => db.emailOutbox.findMany({ where: { sentAt: null }, take: 200, orderBy: { createdAt: 'asc' } });
/** Claims an email for sending (so two sweeps never send one twice); false when taken. */
export const claim = async (db: TenantPrisma, id: string, at: Date) => (await db.emailOutbox.updateMany({ where: { id, sentAt: null }, data: { sentAt: at } })).count > 0;
export const anyWaiting = async (db: TenantPrisma) => Boolean(await db.emailOutbox.findFirst({ where: { sentAt: null }, select: { id: true } }));
