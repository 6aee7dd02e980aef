// Moving a tenant to another server of the placement map: the checks, the `tenant_moves` record
// (one RUNNING per tenant, with a heartbeat so an abandoned one can be started again) and the flip of
// `tenants.server_id`. The database work is tenant-move.ts.
import { hostname } from 'node:os';
import type { CorePrisma } from './clients.ts';
import { tenantAdminTarget, type DatabaseServer } from './databases.ts';
import { schemaLocation, type SchemaLocation } from './migrations.ts';
import { moveTenantDatabase, MoveError, type MoveMethod, type MoveReport, type MoveStep } from './tenant-move.ts';

export type MoveRefusal =
  | 'EMBEDDED'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_NOT_SERVING'
  | 'SERVER_NOT_FOUND'
  | 'SAME_SERVER'
  | 'SERVER_NOT_OPEN'
  | 'SERVER_FULL'
  | 'MOVE_RUNNING';

export interface MoveRequest {
  tenantId: string;
  toServerId: string;
  method?: MoveMethod;
  requestedBy?: string | null;
  logicalMinBytes?: number;
  location?: SchemaLocation;
  /** Tests: fail at this step. */
  failAt?: MoveStep;
  onStep?(step: MoveStep, detail?: Record<string, unknown>): void;
  /** Called right after the map is flipped (still under the fence): drop cached locations, tell other processes. */
  onFlipped?(tenantId: string): Promise<void> | void;
  /** How long a runner may go without a heartbeat before its move counts as abandoned. */
  abandonAfterMs?: number;
  now?: () => Date;
}

export type MoveOutcome = { ok: true; report: MoveReport } | { ok: false; step: MoveStep; error: string };

export interface StartedMove {
  id: string;
  done: Promise<MoveOutcome>;
}

const HEARTBEAT_MS = 5_000;

/**
 * Checks the move, records it RUNNING and starts it. Refused (nothing recorded) when the tenant or
 * server is unknown, the tenant is not serving, the server is the one it is on, not OPEN or full,
 * or a move of the tenant is running.
 */
export async function startTenantMove(server: DatabaseServer, core: CorePrisma, req: MoveRequest): Promise<StartedMove | { refused: MoveRefusal; message: string }> {
  const now = req.now ?? (() => new Date());
  if (server.kind !== 'postgres') return { refused: 'EMBEDDED', message: 'Embedded mode keeps every tenant on its one server' };
  const tenant = await core.tenant.findUnique({ where: { id: req.tenantId }, select: { id: true, status: true, dbName: true, serverId: true, server: { select: { url: true, directUrl: true } } } });
  if (!tenant || tenant.status === 'DELETED') return { refused: 'TENANT_NOT_FOUND', message: 'No such tenant' };
  if (tenant.status !== 'ACTIVE' && tenant.status !== 'SUSPENDED') return { refused: 'TENANT_NOT_SERVING', message: `A ${tenant.status.toLowerCase()} tenant has no database to move` };
  const to = await core.databaseServer.findUnique({ where: { id: req.toServerId }, select: { id: true, url: true, directUrl: true, state: true, capacity: true, _count: { select: { tenants: { where: { purgedAt: null } } } } } });
  if (!to) return { refused: 'SERVER_NOT_FOUND', message: 'No such database server' };
  if (to.id === tenant.serverId) return { refused: 'SAME_SERVER', message: 'The tenant is on that server already' };
  if (to.state !== 'OPEN') return { refused: 'SERVER_NOT_OPEN', message: `The server is ${to.state.toLowerCase()}: it takes no tenants` };
  if (to.capacity !== null && to._count.tenants >= to.capacity) return { refused: 'SERVER_FULL', message: 'The server is at its capacity' };

  const abandonBefore = new Date(now().getTime() - (req.abandonAfterMs ?? 60_000));
  const runner = `${hostname()}:${process.pid}`;
  // An abandoned move (its runner stopped beating) no longer holds the tenant; its leftovers are dropped by the next.
  await core.tenantMove.updateMany({ where: { tenantId: tenant.id, state: 'RUNNING', heartbeatAt: { lt: abandonBefore } }, data: { state: 'FAILED', error: 'abandoned: its runner stopped', finishedAt: now() } });
  let id: string;
  try {
    ({ id } = await core.tenantMove.create({
      data: { tenantId: tenant.id, fromServerId: tenant.serverId, toServerId: to.id, runner, heartbeatAt: now(), startedAt: now(), requestedBy: req.requestedBy ?? null },
      select: { id: true },
    }));
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') return { refused: 'MOVE_RUNNING', message: 'A move of this tenant is running' };
    throw err;
  }

  // The database work goes to the servers themselves, not through their poolers.
  const source = tenantAdminTarget(server, { dbName: tenant.dbName, server: tenant.server });
  const target = tenantAdminTarget(server, { dbName: tenant.dbName, server: { url: to.url, directUrl: to.directUrl } });
  if (source.kind !== 'postgres' || target.kind !== 'postgres') throw new Error('unreachable: postgres placement');
  const beat = () => core.tenantMove.update({ where: { id }, data: { heartbeatAt: now() } }).catch(() => {});
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();

  const flipMap = async () => {
    const r = await core.tenant.updateMany({ where: { id: tenant.id, serverId: tenant.serverId }, data: { serverId: to.id } });
    if (r.count !== 1) throw new Error('the tenant row changed meanwhile');
  };
  // Requests go through the poolers (the map's url) when a server has a direct_url as well.
  const pooler = (srv: { url: string | null; directUrl: string | null }) => (srv.url && srv.directUrl && srv.directUrl !== srv.url ? { url: srv.url, db: tenant.dbName } : undefined);
  const done = moveTenantDatabase({
    source: source.url,
    target: target.url,
    sourcePooler: pooler(tenant.server),
    targetPooler: pooler(to),
    location: req.location ?? schemaLocation('tenant'),
    method: req.method,
    logicalMinBytes: req.logicalMinBytes,
    failAt: req.failAt,
    onStep: (step, detail) => {
      req.onStep?.(step, detail);
      const method = typeof detail?.method === 'string' ? { method: detail.method } : {};
      void core.tenantMove.update({ where: { id }, data: { step, heartbeatAt: now(), ...method } }).catch(() => {});
    },
    flip: async () => {
      await flipMap();
      await req.onFlipped?.(tenant.id);
    },
    flipped: async () => (await core.tenant.findUnique({ where: { id: tenant.id }, select: { serverId: true } }))?.serverId === to.id,
  }).then(
    async (report): Promise<MoveOutcome> => {
      await core.tenantMove.update({
        where: { id },
        data: {
          state: 'DONE', step: 'done', method: report.method, reason: report.reason, bytes: BigInt(report.bytes), pauseMs: report.pauseMs, copyMs: report.copyMs, totalMs: report.totalMs,
          error: report.leftovers.length ? `moved; left behind: ${report.leftovers.join('; ')}` : null, finishedAt: now(),
        },
      });
      return { ok: true, report };
    },
    async (err: Error): Promise<MoveOutcome> => {
      const step = err instanceof MoveError ? err.step : 'plan';
      await core.tenantMove.update({ where: { id }, data: { state: 'FAILED', step, error: err.message.slice(0, 1000), finishedAt: now() } }).catch(() => {});
      return { ok: false, step, error: err.message };
    },
  );
  void done.finally(() => clearInterval(timer));
  return { id, done };
}
