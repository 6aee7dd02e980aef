import type { Resolvers } from '@studyspot/runtime';
import { visibleById } from '../users/users.service.ts';
import type { AuditRow } from './audit.repository.ts';
import * as audit from './audit.service.ts';

export const auditResolvers: Resolvers = {
  Query: {
    auditLogs: (_p, args: Parameters<typeof audit.listAuditLogs>[1], ctx) => audit.listAuditLogs(ctx, args),
  },
  UserActivity: {
    recentActions: (u: { id: string }, args: { first?: number | null }, ctx) => audit.recentActions(ctx, u.id, args.first),
  },
  AuditLogEntry: {
    at: (a: AuditRow) => a.createdAt,
    actor: (a: AuditRow, _args, ctx) => (a.actorId ? visibleById(ctx, a.actorId) : null),
    tenant: (a: AuditRow) => (a.tenantId ? { __typename: 'Tenant', id: a.tenantId } : null),
  },
};
