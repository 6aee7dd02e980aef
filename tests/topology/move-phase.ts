// Chaos phase (e): a tenant moved online while clients write to it, through HAProxy and the whole
// topology — moveTenant by a super admin, four writers creating students throughout, then every
// acknowledged write looked for on the server the tenant ended on. A write that failed with
// SERVICE_UNAVAILABLE (ended at the flip, never committed) is sent again under the same name, so a
// name found twice is a duplicated write and an acknowledged name not found is a lost one.
import { randomUUID } from 'node:crypto';
import { clusterUrl, sql } from '../support/clusters.ts';
import { CLUSTERS, CORE_DB } from './lib.ts';

type Gql = (token: string, query: string, variables?: Record<string, unknown>) => Promise<{ ok: boolean; status: number; code?: string; data?: Record<string, unknown> }>;

export interface MoveFigures {
  method: string;
  from: string;
  to: string;
  state: string;
  pauseMs: number | null;
  totalMs: number | null;
  /** Acknowledged writes during the phase, and the longest gap between two of them (any writer). */
  acknowledged: number;
  longestGapMs: number;
  /** When that gap began, in ms from the moveTenant call (negative: before it). */
  gapAtMs: number;
  /** The slowest acknowledged write, from its first attempt to its acknowledgement, and its attempts (code, ms, start from the move call). */
  slowestWriteMs: number;
  slowestAttempts: string[];
  /** Attempts that failed (and were sent again), by code. */
  retried: Record<string, number>;
  lost: number;
  duplicated: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function movePhase(gql: Gql, sign: (claims: { sub: string; role: string; tenantId: string | null }) => string, method: 'DUMP' | 'LOGICAL', tenantId: string): Promise<MoveFigures> {
  const coreUrl = clusterUrl(CLUSTERS[0]!.port, CORE_DB);
  const where = async () => (await sql<{ server: string; db: string }>(coreUrl, 'select s.name as server, t.db_name as db from tenants t join database_servers s on s.id = t.server_id where t.id = $1', [tenantId]))[0]!;
  const from = (await where()).server;
  const to = CLUSTERS.find((c) => c.name !== from)!.name;
  const superAdmin = sign({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null });
  const owner = sign({ sub: randomUUID(), role: 'OWNER', tenantId });
  const servers = (await gql(superAdmin, '{ databaseServers { id name } }')).data?.databaseServers as { id: string; name: string }[] | undefined;
  const target = servers?.find((s) => s.name === to);
  if (!target) throw new Error(`move phase: no server ${to} in the map`);
  const lib = await gql(owner, `mutation { createLibrary(input: { name: "Move Room ${method}", address: "1 Road", city: "Pune", capacity: 50 }) { library { id } } }`);
  const libraryId = (lib.data?.createLibrary as { library?: { id: string } } | undefined)?.library?.id;
  if (!libraryId) throw new Error(`move phase: could not set up the tenant: ${JSON.stringify(lib)}`);

  // Four writers, from a second before the move until two seconds after it.
  // Names and phones of this run (the phase may run again on the same topology and tenant).
  const run = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const acked = new Set<string>();
  const ackTimes: number[] = [];
  const retried: Record<string, number> = {};
  let slowest = 0;
  let slowestAttempts: string[] = [];
  // When moveTenant was called (NaN until then): attempts are timed from it, negative before.
  let moveCalledAt = Number.NaN;
  let writing = true;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; writing; i++) {
      const name = `move-${method}-${run}-${w}-${i}`;
      // Phones distinct per phase and writer (a student's phone is unique in a tenant).
      const phone = `${method === 'DUMP' ? 8 : 9}${String(w)}${run}${String(i).padStart(5, '0')}`;
      const first = performance.now();
      const attempts: string[] = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        const a0 = performance.now();
        const r = await gql(owner, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } userErrors { code } } }', { i: { name, phone, libraryId } });
        const out = r.data?.createStudent as { student: { id: string } | null; userErrors: { code: string }[] } | undefined;
        attempts.push(`${r.code ?? (r.ok ? 'ok' : r.status)} ${Math.round(performance.now() - a0)} ms from ${Number.isNaN(moveCalledAt) ? 'before the move' : Math.round(a0 - moveCalledAt)}`);
        // DUPLICATE on a retry: the attempt before did commit (it failed only on its way back).
        if (r.ok && (out?.student || (attempt > 0 && out?.userErrors[0]?.code === 'DUPLICATE'))) {
          acked.add(name);
          ackTimes.push(performance.now());
          if (performance.now() - first > slowest) {
            slowest = performance.now() - first;
            slowestAttempts = attempts;
          }
          break;
        }
        const k = r.ok ? `userError:${out?.userErrors[0]?.code}` : `${r.status}:${r.code ?? ''}`;
        retried[k] = (retried[k] ?? 0) + 1;
        await sleep(50);
      }
    }
  });
  await sleep(1_000);
  moveCalledAt = performance.now();
  const started = await gql(superAdmin, 'mutation($i: MoveTenantInput!) { moveTenant(input: $i) { move { id } userErrors { code message } } }', { i: { tenantId, serverId: target.id, method } });
  const moveId = (started.data?.moveTenant as { move?: { id: string } } | undefined)?.move?.id;
  let move: { state: string; pauseMs: number | null; totalMs: number | null; method: string | null; error: string | null } | undefined;
  if (moveId) {
    for (let i = 0; i < 600; i++) {
      const r = await gql(superAdmin, 'query($t: ID!) { tenantMoves(tenantId: $t) { id state method pauseMs totalMs error } }', { t: tenantId });
      move = (r.data?.tenantMoves as (typeof move & { id: string })[] | undefined)?.find((m) => m.id === moveId);
      if (move && move.state !== 'RUNNING') break;
      await sleep(100);
    }
  }
  await sleep(2_000);
  writing = false;
  await Promise.all(writers);

  const now = await where();
  const cluster = CLUSTERS.find((c) => c.name === now.server)!;
  const rows = await sql<{ name: string; n: string }>(clusterUrl(cluster.port, now.db), 'select name, count(*)::text as n from students where name like $1 group by name', [`move-${method}-${run}-%`]);
  const found = new Map(rows.map((r) => [r.name, Number(r.n)]));
  // ackTimes are in order already: each is pushed when its acknowledgement arrives.
  let longestGapMs = 0;
  let gapAtMs = 0;
  for (let i = 1; i < ackTimes.length; i++) {
    if (ackTimes[i]! - ackTimes[i - 1]! > longestGapMs) {
      longestGapMs = Math.round(ackTimes[i]! - ackTimes[i - 1]!);
      gapAtMs = Math.round(ackTimes[i - 1]! - moveCalledAt);
    }
  }
  return {
    method: move?.method ?? method,
    from,
    to: now.server,
    state: move?.state ?? `not started: ${JSON.stringify(started.data ?? started.code)}`,
    pauseMs: move?.pauseMs ?? null,
    totalMs: move?.totalMs ?? null,
    acknowledged: acked.size,
    longestGapMs,
    gapAtMs,
    slowestWriteMs: Math.round(slowest),
    slowestAttempts,
    retried,
    lost: [...acked].filter((n) => !found.has(n)).length,
    duplicated: [...found.values()].filter((n) => n > 1).length,
    error: move?.error ?? undefined,
  };
}

/** A tenant of the topology outside the load's sample, on the first cluster. */
export async function spareTenant(exclude: string[]): Promise<string> {
  const [spare] = await sql<{ id: string }>(
    clusterUrl(CLUSTERS[0]!.port, CORE_DB),
    "select t.id::text from tenants t join database_servers s on s.id = t.server_id where s.name = $1 and t.status = 'ACTIVE' and not (t.id::text = any($2)) order by t.created_at desc limit 1",
    [CLUSTERS[0]!.name, exclude],
  );
  if (!spare) throw new Error('move phase: no spare tenant on the first cluster');
  return spare.id;
}
