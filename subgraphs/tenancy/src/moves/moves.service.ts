// Moving a tenant's database to another server (super admins): starts the move (db package:
// tenant-move.ts, tenant-moves.ts) and answers at once; the move goes on in this process. At the
// flip every process forgets the tenant's location (this one directly, the others over the bus), so
// the next request goes to the new server.
import type { MoveMethod, MoveRefusal } from '@studyspot/db';
import { isUuid, topics, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import * as repo from './moves.repository.ts';

export type { MoveRow } from './moves.repository.ts';

/** Refusals that name a missing thing, and the argument that named it; the rest are states. */
const MISSING: Partial<Record<MoveRefusal, string>> = { TENANT_NOT_FOUND: 'tenantId', SERVER_NOT_FOUND: 'serverId' };

export async function moveTenant(ctx: SubgraphContext, input: { tenantId: string; serverId: string; method?: MoveMethod | null }) {
  if (!isUuid(input.tenantId)) return { move: null, ...fail('NOT_FOUND', 'No such tenant', 'input', 'tenantId') };
  if (!isUuid(input.serverId)) return { move: null, ...fail('NOT_FOUND', 'No such database server', 'input', 'serverId') };
  const { platform } = ctx;
  const started = await repo.startMove(platform.config.database, ctx.core, {
    tenantId: input.tenantId,
    toServerId: input.serverId,
    method: input.method ?? undefined,
    requestedBy: ctx.claims?.sub ?? null,
    logicalMinBytes: platform.config.moveLogicalMinBytes,
    onFlipped: async (tenantId) => {
      platform.tenants.invalidate(tenantId);
      await platform.events.publish(topics.tenants, { type: 'TENANT_MOVED', tenantId, serverId: input.serverId });
    },
  });
  if ('refused' in started) {
    const field = MISSING[started.refused];
    return { move: null, ...(field ? fail('NOT_FOUND', started.message, 'input', field) : fail('INVALID_STATE', started.message)) };
  }
  await ctx.audit({ action: 'tenant.move.start', tenantId: input.tenantId, targetType: 'Tenant', targetId: input.tenantId, details: { moveId: started.id, to: input.serverId, method: input.method ?? 'by size' } });
  void started.done.then(async (outcome) => {
    const details = outcome.ok
      ? { moveId: started.id, method: outcome.report.method, pauseMs: outcome.report.pauseMs, totalMs: outcome.report.totalMs, bytes: outcome.report.bytes }
      : { moveId: started.id, step: outcome.step, error: outcome.error };
    platform.logger[outcome.ok ? 'info' : 'warn']({ tenantId: input.tenantId, ...details }, outcome.ok ? 'tenant moved' : 'tenant move rolled back');
    await ctx.audit({ action: outcome.ok ? 'tenant.move.done' : 'tenant.move.failed', tenantId: input.tenantId, targetType: 'Tenant', targetId: input.tenantId, details });
  }).catch((err) => platform.logger.error({ err, tenantId: input.tenantId }, 'tenant move bookkeeping failed'));
  return { move: await repo.findMove(ctx.core, started.id), userErrors: [] };
}

export const tenantMoves = (ctx: SubgraphContext, tenantId: string) => (isUuid(tenantId) ? repo.listMoves(ctx.core, tenantId) : []);
