// The only code that reads or writes campaigns and their recipients.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';

export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

export const findCampaign = (db: TenantPrisma, id: string) => db.campaign.findUnique({ where: { id } });
export const findCampaignOrThrow = (db: TenantPrisma, id: string) => db.campaign.findUniqueOrThrow({ where: { id } });
export const campaignsByIds = (db: TenantPrisma, ids: readonly string[]) => db.campaign.findMany({ where: { id: { in: [...ids] } } });
export const latestCampaigns = (db: TenantPrisma) => db.campaign.findMany({ orderBy: { createdAt: 'desc' }, take: 50 });
export const createCampaign = (db: TenantPrisma, data: TenantPrismaNs.CampaignUncheckedCreateInput) => db.campaign.create({ data });
export const campaignStatus = async (db: TenantPrisma, id: string) => (await db.campaign.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

/** Campaigns a process should resume: running, or scheduled (due or not). */
export const openCampaigns = (db: TenantPrisma) => db.campaign.findMany({ where: { status: { in: ['RUNNING', 'SCHEDULED'] } }, select: { id: true, scheduledAt: true } });

/** Scheduled campaigns whose time has come, oldest first (a test clock's messages work runs them). */
export const dueScheduled = async (db: TenantPrisma, at: Date) =>
  (await db.campaign.findMany({ where: { status: 'SCHEDULED', scheduledAt: { lte: at } }, select: { id: true }, orderBy: { scheduledAt: 'asc' } })).map((c) => c.id);
export const nextScheduledAt = async (db: TenantPrisma) => (await db.campaign.findFirst({ where: { status: 'SCHEDULED' }, orderBy: { scheduledAt: 'asc' }, select: { scheduledAt: true } }))?.scheduledAt ?? null;

/** Cancels a scheduled or running campaign and skips its pending recipients; false when it was neither. */
export async function cancelCampaign(db: TenantPrisma, id: string, at: Date): Promise<boolean> {
  const moved = await db.campaign.updateMany({ where: { id, status: { in: ['SCHEDULED', 'RUNNING'] } }, data: { status: 'CANCELLED', finishedAt: at } });
  if (moved.count) await db.campaignRecipient.updateMany({ where: { campaignId: id, status: 'PENDING' }, data: { status: 'SKIPPED', reason: 'Campaign cancelled' } });
  return moved.count > 0;
}

/** Starts a scheduled campaign: RUNNING, with its recipients written once (the audience as it is now). */
export async function start(db: TenantPrisma, id: string, studentIds: string[], at: Date) {
  await db.$transaction(async (tx) => {
    const moved = await tx.campaign.updateMany({ where: { id, status: 'SCHEDULED' }, data: { status: 'RUNNING', startedAt: at } });
    if (moved.count) await tx.campaignRecipient.createMany({ data: studentIds.map((studentId) => ({ campaignId: id, studentId })), skipDuplicates: true });
  });
}

export const complete = (db: TenantPrisma, id: string, at: Date) => db.campaign.updateMany({ where: { id, status: 'RUNNING' }, data: { status: 'COMPLETED', finishedAt: at } });

/** The next (at most 100) recipients still to be sent to. */
export const pendingRecipients = (db: TenantPrisma, campaignId: string) => db.campaignRecipient.findMany({ where: { campaignId, status: 'PENDING' }, take: 100, orderBy: { studentId: 'asc' } });

export const recordRecipient = (db: TenantPrisma, campaignId: string, studentId: string, data: TenantPrismaNs.CampaignRecipientUncheckedUpdateInput) =>
  db.campaignRecipient.update({ where: { campaignId_studentId: { campaignId, studentId } }, data });

export async function progressOf(db: TenantPrisma, campaignId: string) {
  const rows = await db.campaignRecipient.groupBy({ by: ['status'], where: { campaignId }, _count: { _all: true } });
  return rows.map((r) => ({ status: r.status, count: r._count._all }));
}
