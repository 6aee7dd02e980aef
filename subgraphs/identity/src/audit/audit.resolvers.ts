import { visibleById } from '../users/users.service.ts';
import * as audit from './audit.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const auditResolvers: Resolvers = {
  Query: {
    auditLogs: (_p, args, ctx) => audit.listAuditLogs(ctx, args),
  },
  UserActivity: {
    recentActions: (u, args, ctx) => audit.recentActions(ctx, u.id, args.first),
  },
  AuditLogEntry: {
    at: (a) => a.createdAt,
    actor: (a, _args, ctx) => (a.actorId ? visibleById(ctx, a.actorId) : null),
    tenant: (a) => (a.tenantId ? { __typename: 'Tenant', id: a.tenantId } : null),
  },
};
