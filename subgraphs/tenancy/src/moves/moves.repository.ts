// The only code that reads `tenant_moves` and starts a move (the db package's startTenantMove holds
// the move's rules and its writes to the core: the record, the heartbeat and the flip).
import { startTenantMove, type CorePrisma, type DatabaseServer, type MoveRequest } from '@studyspot/db';

export interface MoveRow {
  id: string;
  tenantId: string;
  fromServerId: string;
  toServerId: string;
  method: string | null;
  reason: string | null;
  state: 'RUNNING' | 'DONE' | 'FAILED';
  step: string;
  bytes: bigint | null;
  pauseMs: number | null;
  copyMs: number | null;
  totalMs: number | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const SELECT = {
  id: true, tenantId: true, fromServerId: true, toServerId: true, method: true, reason: true, state: true, step: true,
  bytes: true, pauseMs: true, copyMs: true, totalMs: true, error: true, startedAt: true, finishedAt: true,
} as const;

export const startMove = (server: DatabaseServer, core: CorePrisma, req: MoveRequest) => startTenantMove(server, core, req);

export const findMove = (core: CorePrisma, id: string): Promise<MoveRow | null> => core.tenantMove.findUnique({ where: { id }, select: SELECT });

export const listMoves = (core: CorePrisma, tenantId: string): Promise<MoveRow[]> =>
  core.tenantMove.findMany({ where: { tenantId }, orderBy: { startedAt: 'desc' }, take: 20, select: SELECT });
