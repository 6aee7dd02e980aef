// The only code that reads or writes a tenant's gateway accounts (Razorpay, Cashfree) and their health.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';

export type AccountRow = NonNullable<Awaited<ReturnType<typeof findAccount>>>;

export const findAccount = (db: TenantPrisma, provider: string) => db.gatewayAccount.findUnique({ where: { provider } });
export const allAccounts = (db: TenantPrisma) => db.gatewayAccount.findMany();
export const listAccounts = (db: TenantPrisma) => db.gatewayAccount.findMany({ orderBy: { provider: 'asc' } });
export const connectedAccounts = (db: TenantPrisma) => db.gatewayAccount.findMany({ where: { active: true } });
export const activeAccountsOf = (db: TenantPrisma, providers: readonly string[]) => db.gatewayAccount.findMany({ where: { active: true, provider: { in: [...providers] } } });
export const feeTerms = (db: TenantPrisma) => db.gatewayAccount.findMany({ select: { provider: true, feePercentBp: true, feeFixedPaise: true } });

export type AccountWrite = Pick<TenantPrismaNs.GatewayAccountUncheckedCreateInput, 'keyId' | 'secretEnc' | 'webhookSecretEnc' | 'secretLast4' | 'feePercentBp' | 'feeFixedPaise'>;

/** Connects (or reconnects, healthy again) the provider's account. */
export function upsertAccount(db: TenantPrisma, provider: string, row: AccountWrite, at: Date) {
  return db.gatewayAccount.upsert({
    where: { provider },
    create: { provider, ...row, checkedAt: at },
    update: { ...row, active: true, consecutiveFailures: 0, downUntil: null, downReason: null, checkedAt: at },
  });
}

export const deactivate = (db: TenantPrisma, provider: string) => db.gatewayAccount.update({ where: { provider }, data: { active: false } });

/** A call without an answer: counted; down for `coolOffMs` after `downAfter` in a row. */
export async function recordFailure(db: TenantPrisma, provider: string, reason: string, now: Date, downAfter: number, coolOffMs: number): Promise<void> {
  await db.$executeRaw`
    UPDATE gateway_accounts SET consecutive_failures = consecutive_failures + 1,
      down_until = CASE WHEN consecutive_failures + 1 >= ${downAfter} THEN ${new Date(now.getTime() + coolOffMs)} ELSE down_until END,
      down_reason = CASE WHEN consecutive_failures + 1 >= ${downAfter} THEN ${`${downAfter} failures in a row: ${reason}`.slice(0, 300)} ELSE down_reason END,
      updated_at = now()
    WHERE provider = ${provider}`;
}

export async function recordSuccess(db: TenantPrisma, provider: string): Promise<void> {
  await db.gatewayAccount.updateMany({ where: { provider, OR: [{ consecutiveFailures: { gt: 0 } }, { downUntil: { not: null } }] }, data: { consecutiveFailures: 0, downUntil: null, downReason: null } });
}

export async function markDownUntil(db: TenantPrisma, provider: string, until: Date, reason?: string): Promise<void> {
  await db.gatewayAccount.updateMany({ where: { provider }, data: { downUntil: until, ...(reason !== undefined ? { downReason: reason } : {}) } });
}

export const reseal = (db: TenantPrisma, provider: string, secretEnc: string, webhookSecretEnc: string | null) => db.gatewayAccount.update({ where: { provider }, data: { secretEnc, webhookSecretEnc } });

