// Who may read which part of the audit log: platform roles every tenant's, owners their own tenant's.
import { paginate, type ConnectionArgs, type SubgraphContext } from '@studyspot/runtime';
import { visibleTenant } from '../users/users.service.ts';
import * as repo from './audit.repository.ts';

export function listAuditLogs(ctx: SubgraphContext, args: ConnectionArgs & { filter?: repo.AuditListFilter | null }) {
  const scope = visibleTenant(ctx);
  const filter = { ...args.filter, ...(scope ? { tenantId: scope } : {}) };
  return paginate(args, (take, where) => repo.listAuditLogs(ctx.core, take, where, filter), 'desc');
}

/** An account's latest actions (UserActivity.recentActions), at most 50. */
export const recentActions = (ctx: SubgraphContext, actorId: string, first: number | null | undefined) =>
  repo.recentActions(ctx.core, actorId, Math.min(Math.max(first ?? 10, 0), 50));
