// Background work of campus: every few minutes, lapse waitlist holds (passing seats on) and close
// visits nobody checked out of after closing time, in every active tenant. One run at a time.
import { startPeriodic, subgraphContext, type Platform } from '@studyspot/runtime';
import { scope } from './access.ts';
import { expireHolds } from './allocation.service.ts';
import { closeOverdueVisits } from './attendance.service.ts';

export async function sweepOnce(platform: Platform): Promise<{ tenants: number; holdsExpired: number; visitsClosed: number }> {
  const tenants = await platform.core.tenant.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
  let holdsExpired = 0;
  let visitsClosed = 0;
  for (const t of tenants) {
    const ctx = subgraphContext(platform, { requestId: `sweep-${Date.now()}`, claims: { sub: '00000000-0000-0000-0000-000000000000', role: 'SUPER_ADMIN', tenantId: null }, actingTenantId: t.id });
    try {
      const s = await scope(ctx);
      holdsExpired += await expireHolds(ctx, s);
      for (const lib of await s.db.library.findMany({ where: { status: 'ACTIVE' }, select: { id: true } })) visitsClosed += await closeOverdueVisits(ctx, s, lib.id);
    } catch (err) {
      platform.logger.error({ err, tenantId: t.id }, 'campus sweep failed for a tenant');
    } finally {
      await ctx.dispose();
    }
  }
  return { tenants: tenants.length, holdsExpired, visitsClosed };
}

/** Starts the periodic sweep; returns a function that stops it (and waits for a run in progress). */
export const startCampusSweeper = (platform: Platform, intervalMs = 5 * 60_000) =>
  startPeriodic(platform.logger, 'campus sweep', () => sweepOnce(platform), intervalMs, (r) => Boolean(r.holdsExpired || r.visitsClosed));
