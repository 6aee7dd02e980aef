// The only code that reads or writes the placement map's servers (the core `database_servers` table;
// tenants.server_id is written by tenants.repository when a tenant is created).
import type { CorePrisma, CorePrismaNs } from '@studyspot/db';
import { orViolation } from '@studyspot/runtime';

export type ServerState = 'OPEN' | 'DRAINING' | 'CLOSED';

export interface ServerRow {
  id: string;
  name: string;
  url: string | null;
  directUrl: string | null;
  capacity: number | null;
  state: ServerState;
  createdAt: Date;
  tenantCount: number;
}

/**
 * The placement policy, inside the tenant-creating transaction: the OPEN server with the fewest
 * tenant databases (not purged) that is under its capacity; ties go to the older server. The open
 * servers' rows are locked first, so tenants created at once are placed one after the other and a
 * capacity is never overshot (the counts are read by a later statement, after the lock). Null when
 * no open server has room.
 */
export async function placeTenant(tx: CorePrismaNs.TransactionClient): Promise<string | null> {
  await tx.$queryRaw`SELECT id FROM database_servers WHERE state = 'OPEN' ORDER BY id FOR UPDATE`;
  const [chosen] = await tx.$queryRaw<{ id: string }[]>`
    SELECT s.id::text AS id
    FROM database_servers s
    LEFT JOIN tenants t ON t.server_id = s.id AND t.purged_at IS NULL
    WHERE s.state = 'OPEN'
    GROUP BY s.id
    HAVING s.capacity IS NULL OR count(t.id) < s.capacity
    ORDER BY count(t.id), s.created_at, s.name
    LIMIT 1`;
  return chosen?.id ?? null;
}

/** The servers (a handful) with how many tenant databases (not purged) each holds. */
export async function listServers(core: CorePrisma): Promise<ServerRow[]> {
  const rows = await core.$queryRaw<(Omit<ServerRow, 'tenantCount'> & { tenantCount: bigint })[]>`
    SELECT s.id::text AS id, s.name, s.url, s.direct_url AS "directUrl", s.capacity, s.state::text AS state, s.created_at AS "createdAt", count(t.id) AS "tenantCount"
    FROM database_servers s
    LEFT JOIN tenants t ON t.server_id = s.id AND t.purged_at IS NULL
    GROUP BY s.id
    ORDER BY s.created_at, s.name`;
  return rows.map((r) => ({ ...r, tenantCount: Number(r.tenantCount) }));
}

export const registerServer = (core: CorePrisma, data: { name: string; url: string; directUrl: string | null; capacity: number | null }) => orViolation(core.databaseServer.create({ data, select: { id: true } }));

/** True when the server exists (its state is now `state`). */
export const setServerState = async (core: CorePrisma, id: string, state: ServerState) => (await core.databaseServer.updateMany({ where: { id }, data: { state } })).count === 1;
