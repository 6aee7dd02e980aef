// Moving one tenant database between PostgreSQL servers while it is in use (the mechanics; the
// placement map's side is tenant-moves.ts). Two ways to copy, chosen by size:
//  - DUMP: the target gets the schema from our migrations, then, under the fence, the data: each
//    table streamed by COPY … TO STDOUT on the source into COPY … FROM STDIN on the target (binary,
//    referenced tables first, one transaction; pg-copy-streams). What `pg_dump --data-only | psql`
//    does, without starting two programs and reading the catalogue inside the pause (that cost
//    0.9–1.3 s of pause under load). The pause is the copy: small tenants.
//  - LOGICAL: PostgreSQL's logical replication (publication on the source, subscription on the
//    target) copies the data while the tenant keeps writing; under the fence only the tail is
//    waited for. The pause does not grow with size. Needs wal_level=logical on the source.
// The fence: one transaction on the source holds EXCLUSIVE locks on every table, so writers wait
// (reads go on: EXCLUSIVE admits ACCESS SHARE). With the lock held no write transaction is in
// flight on the source, so when the target has everything up to a marker committed after the lock,
// it has every committed write. Then the caller flips the map, the source database stops accepting
// connections, the waiting writers' connections are ended (their transactions never committed, so
// a retry writes once — they get a retryable error) and the fence is released. A failure before the
// flip rolls everything back: the fence is released and the tenant stays on the source, serving.
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { closeThroughPooler, reopenThroughPooler, type PoolerDatabase } from './pooler.ts';
import { applyMigrations, type SchemaLocation } from './migrations.ts';
import { assertDatabaseName, createDatabase, dropDatabase, siblingDatabaseUrl, withServerConnection } from './targets.ts';

export type MoveMethod = 'DUMP' | 'LOGICAL';

export type MoveStep = 'plan' | 'prepare' | 'copy' | 'fence' | 'catch-up' | 'flip' | 'retire' | 'clean-up';

export interface MovePlan {
  method: MoveMethod;
  /** Why this method, in words (the size and the threshold, or the source's wal_level). */
  reason: string;
  bytes: number;
}

export interface MoveReport extends MovePlan {
  /** Writes waited this long: from asking for the fence to releasing it. */
  pauseMs: number;
  /** Copying before the fence (LOGICAL: the initial sync; DUMP: 0, the copy is in the pause). */
  copyMs: number;
  totalMs: number;
  /** Rows in the target when the map was flipped (every table counted under the fence). */
  rows: number;
  /** Connections to the source ended at the flip (writers waiting on the fence, idle pool connections). */
  endedConnections: number;
  /** Left behind by a clean-up step that failed after the flip (the move itself stands). */
  leftovers: string[];
}

export interface MoveOptions {
  /** postgresql://… naming the tenant's database on the source server, and on the target server. */
  source: string;
  target: string;
  location: SchemaLocation;
  /** Forced method; otherwise by size. */
  method?: MoveMethod;
  /** Tenants at least this large move by logical replication (when the source allows it). */
  logicalMinBytes?: number;
  /** Flips the placement map. Called under the fence; a throw rolls the move back. */
  flip(): Promise<void>;
  /** After a flip that threw: did it commit anyway? (a lost reply). Default: no. */
  flipped?(): Promise<boolean>;
  onStep?(step: MoveStep, detail?: Record<string, unknown>): void;
  /** Tests: fail at this step, as a crash there would. */
  failAt?: MoveStep;
  /** The poolers in front of the source and target servers, when the map reaches them through one. */
  sourcePooler?: PoolerDatabase;
  targetPooler?: PoolerDatabase;
  /** How long the initial logical sync may take. */
  syncTimeoutMs?: number;
}

export const DEFAULT_LOGICAL_MIN_BYTES = 16 * 1024 * 1024;
const FENCE_LOCK_TIMEOUT_MS = 150;
const FENCE_ATTEMPTS = 8;
const CATCH_UP_TIMEOUT_MS = 5_000;
const RETIRE_READS_WAIT_MS = 200;

/** Tables of ours that never move (migration bookkeeping is written by the target's own migrations). */
const NOT_COPIED = new Set(['_prisma_migrations', '_studyspot_move']);

export class MoveError extends Error {
  constructor(
    readonly step: MoveStep,
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = 'MoveError';
  }
}

const dbName = (url: string) => assertDatabaseName(decodeURIComponent(new URL(url).pathname.slice(1)));
const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
/** Names per tenant database: the replication slot's is cluster-wide, so it carries the database's name. */
const names = (url: string) => {
  const db = dbName(url);
  return { publication: 'studyspot_move', subscription: `studyspot_move_${db}`.slice(0, 63) };
};

async function connect(url: string, applicationName = 'studyspot-move'): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: applicationName });
  c.on('error', () => {});
  await c.connect();
  return c;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await connect(url);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** libpq connection string for the target server to reach the source (a subscription's CONNECTION). */
function conninfo(url: string): string {
  const u = new URL(url);
  const parts: Record<string, string> = { host: u.hostname, port: u.port || '5432', dbname: dbName(url) };
  const user = decodeURIComponent(u.username) || process.env.PGUSER;
  if (user) parts.user = user;
  const password = decodeURIComponent(u.password) || process.env.PGPASSWORD;
  if (password) parts.password = password;
  return Object.entries(parts)
    .map(([k, v]) => `${k}='${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
    .join(' ');
}

/** Size and wal_level of the source decide the method (unless forced). */
export async function planMove(source: string, opts: { method?: MoveMethod; logicalMinBytes?: number } = {}): Promise<MovePlan> {
  const min = opts.logicalMinBytes ?? DEFAULT_LOGICAL_MIN_BYTES;
  return withClient(source, async (c) => {
    const bytes = Number((await c.query('select pg_database_size(current_database()) as b')).rows[0].b);
    const wal = String((await c.query('show wal_level')).rows[0].wal_level);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    if (opts.method === 'LOGICAL' && wal !== 'logical') throw new MoveError('plan', `logical replication needs wal_level=logical on the source (it is ${wal})`);
    if (opts.method) return { method: opts.method, reason: `${opts.method} asked for (${mb(bytes)})`, bytes };
    if (bytes < min) return { method: 'DUMP', reason: `${mb(bytes)} is under ${mb(min)}: dump and restore under the fence`, bytes };
    if (wal !== 'logical') return { method: 'DUMP', reason: `${mb(bytes)}, but the source's wal_level is ${wal} (logical replication needs logical): dump and restore`, bytes };
    return { method: 'LOGICAL', reason: `${mb(bytes)} is at least ${mb(min)}: logical replication, only the tail under the fence`, bytes };
  });
}

async function tables(c: pg.Client): Promise<string[]> {
  const r = await c.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public' order by tablename`);
  return r.rows.map((x) => x.t).filter((t) => !NOT_COPIED.has(t));
}

/**
 * The tables with every referencing table before the tables it references. A writer inserting a
 * row locks its own table, then (the foreign key check) the referenced one; locking in the same
 * order lets the fence take a table only after its writers are through, instead of holding the
 * referenced table while waiting for the referencing one (a deadlock until a timeout).
 */
async function referencingFirst(c: pg.Client, list: string[]): Promise<string[]> {
  const fks = await c.query<{ child: string; parent: string }>(
    `select cl.relname as child, pr.relname as parent from pg_constraint k join pg_class cl on cl.oid = k.conrelid join pg_class pr on pr.oid = k.confrelid
     join pg_namespace n on n.oid = cl.relnamespace where k.contype = 'f' and n.nspname = 'public' and cl.relname <> pr.relname`,
  );
  const children = new Map<string, string[]>();
  for (const { child, parent } of fks.rows) children.set(parent, [...(children.get(parent) ?? []), child]);
  const out: string[] = [];
  const seen = new Set<string>();
  // Depth-first: a table goes after all that reference it (cycles broken where met).
  const visit = (t: string, path: Set<string>) => {
    if (seen.has(t) || path.has(t)) return;
    path.add(t);
    for (const child of children.get(t) ?? []) visit(child, path);
    path.delete(t);
    seen.add(t);
    out.push(t);
  };
  for (const t of list) visit(t, new Set());
  return out.filter((t) => list.includes(t));
}

async function migrationNames(c: pg.Client): Promise<string[]> {
  const r = await c.query<{ n: string }>(`select migration_name as n from _prisma_migrations where finished_at is not null and rolled_back_at is null order by migration_name`);
  return r.rows.map((x) => x.n);
}


/**
 * Drops what a move of this database creates: the target's subscription, the source server's slot
 * and, while the source database still takes connections, its publication and marker table. Safe
 * when there is nothing (an interrupted earlier move, or a move that never got that far).
 */
async function dropReplication(source: string, target: string | null, sourceAlive: boolean): Promise<void> {
  const n = names(source);
  if (target) {
    await withClient(target, async (c) => {
      const sub = await c.query('select 1 from pg_subscription where subname = $1', [n.subscription]);
      if (!sub.rowCount) return;
      await c.query(`alter subscription ${quote(n.subscription)} disable`);
      await c.query(`alter subscription ${quote(n.subscription)} set (slot_name = none)`);
      await c.query(`drop subscription ${quote(n.subscription)}`);
    }).catch((err: { code?: string }) => {
      if (err.code !== '3D000') throw err; // the target database is gone already
    });
  }
  // Slots are per server, and the source database may be refusing connections: the maintenance database.
  await withServerConnection(source, async (c) => {
    // The slot is released by its walsender shortly after the subscription is disabled.
    for (let i = 0; i < 100; i++) {
      const slot = await c.query<{ active: boolean; pid: number | null }>('select active, active_pid as pid from pg_replication_slots where slot_name = $1', [n.subscription]);
      if (!slot.rowCount) return;
      if (!slot.rows[0]!.active) {
        await c.query('select pg_drop_replication_slot($1)', [n.subscription]);
        return;
      }
      if (i === 60 && slot.rows[0]!.pid) await c.query('select pg_terminate_backend($1)', [slot.rows[0]!.pid]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`replication slot ${n.subscription} stayed active`);
  });
  if (sourceAlive) {
    await withClient(source, async (c) => {
      await c.query(`drop publication if exists ${quote(n.publication)}`);
      await c.query('drop table if exists _studyspot_move');
    });
  }
}

/** Each table's columns a copy carries (generated ones are computed by the target), read before the fence. */
async function copyColumns(c: pg.Client, list: string[]): Promise<Map<string, string[]>> {
  const r = await c.query<{ t: string; cols: string[] }>(
    `select c.relname as t, array_agg(a.attname::text order by a.attnum) as cols from pg_attribute a join pg_class c on c.oid = a.attrelid
     join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relname = any($1) and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     group by c.relname`,
    [list],
  );
  return new Map(r.rows.map((x) => [x.t, x.cols]));
}

/**
 * Every row of `order`'s tables from source to target in one target transaction (referenced tables
 * first, so foreign keys hold row by row, as a data-only restore needs). Binary COPY: both sides have
 * the same migrations, so the same column types.
 */
async function copyRows(source: pg.Client, target: pg.Client, order: string[], columns: Map<string, string[]>): Promise<void> {
  await target.query('begin');
  try {
    for (const t of order) {
      const cols = (columns.get(t) ?? []).map(quote).join(', ');
      await pipeline(source.query(copyTo(`copy ${quote(t)} (${cols}) to stdout (format binary)`)), target.query(copyFrom(`copy ${quote(t)} (${cols}) from stdin (format binary)`)));
    }
    await target.query('commit');
  } catch (err) {
    await target.query('rollback').catch(() => {});
    throw err;
  }
}

/**
 * Moves the database. Resolves with the figures once the map is flipped and the source retired;
 * rejects with a MoveError when it rolled back (the tenant still on the source).
 */
export async function moveTenantDatabase(opts: MoveOptions): Promise<MoveReport> {
  const started = performance.now();
  const step = (s: MoveStep, detail?: Record<string, unknown>) => {
    opts.onStep?.(s, detail);
    if (opts.failAt === s) throw new MoveError(s, 'failure injected by the test');
  };
  const sourceDb = dbName(opts.source);
  const n = names(opts.source);
  let current: MoveStep = 'plan';
  const at = (s: MoveStep, detail?: Record<string, unknown>) => {
    current = s;
    step(s, detail);
  };

  let plan: MovePlan;
  try {
    at('plan');
    plan = await planMove(opts.source, opts);
  } catch (err) {
    throw err instanceof MoveError ? err : new MoveError('plan', (err as Error).message);
  }

  let fence: pg.Client | null = null;
  let side: pg.Client | null = null;
  /** The target, held from before the fence so nothing under it waits for a new connection. */
  let target: pg.Client | null = null;
  let maint: pg.Client | null = null;
  let retireProblem: string | null = null;
  const poolerProblems: string[] = [];
  let flipped = false;
  let copyMs = 0;
  let pauseStart = 0;
  let rows = 0;
  let ended = 0;
  try {
    // prepare: a fresh target with the schema from our migrations (a leftover of a crashed move is
    // dropped first), and the same migrations as the source, or no move.
    at('prepare', { method: plan.method });
    await dropReplication(opts.source, opts.target, true);
    await dropDatabase({ kind: 'postgres', url: opts.target });
    await createDatabase({ kind: 'postgres', url: opts.target });
    await applyMigrations({ kind: 'postgres', url: opts.target }, opts.location);
    // A tenant moving back onto a server: its pooler may still refuse the database since it left.
    if (opts.targetPooler) for (const e of await reopenThroughPooler(opts.targetPooler)) poolerProblems.push(`target pooler: ${e}`);
    side = await connect(opts.source);
    const [have, want] = await Promise.all([migrationNames(side), withClient(opts.target, migrationNames)]);
    if (have.join() !== want.join()) throw new MoveError('prepare', `the source has migrations ${have.length ? have.at(-1) : 'none'}, this code ${want.at(-1)}: run the migration job first`);
    const list = await tables(side);
    // Migrations may write rows (the default admissions stages): the target starts empty, so the
    // copy brings the source's rows, not a second set.
    if (list.length) await withClient(opts.target, (c) => c.query(`truncate ${list.map(quote).join(', ')}`));

    if (plan.method === 'LOGICAL') {
      at('copy');
      const copyStart = performance.now();
      await side.query('create table if not exists _studyspot_move (token text primary key)');
      await withClient(opts.target, (c) => c.query('create table if not exists _studyspot_move (token text primary key)'));
      await side.query(`create publication ${quote(n.publication)} for table ${[...list, '_studyspot_move'].map(quote).join(', ')}`);
      await withClient(opts.target, (c) =>
        c.query(`create subscription ${quote(n.subscription)} connection '${conninfo(opts.source).replace(/'/g, "''")}' publication ${quote(n.publication)} with (copy_data = true)`),
      );
      const deadline = Date.now() + (opts.syncTimeoutMs ?? 30 * 60_000);
      await withClient(opts.target, async (c) => {
        for (;;) {
          const r = await c.query<{ waiting: string }>(
            `select count(*) filter (where r.srsubstate <> 'r') as waiting from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = $1`,
            [n.subscription],
          );
          if (Number(r.rows[0]!.waiting) === 0) break;
          if (Date.now() > deadline) throw new MoveError('copy', 'the initial copy did not finish in time');
          await new Promise((res) => setTimeout(res, 50));
        }
      });
      copyMs = Math.round(performance.now() - copyStart);
    }

    // fence: writers wait from here.
    at('fence');
    target = await connect(opts.target);
    fence = await connect(opts.source, 'studyspot-move-fence');
    const lockOrder = await referencingFirst(side, list);
    const columns = plan.method === 'DUMP' ? await copyColumns(side, list) : new Map<string, string[]>();
    pauseStart = performance.now();
    for (let attempt = 1; ; attempt++) {
      await fence.query('begin');
      await fence.query(`set local lock_timeout = '${FENCE_LOCK_TIMEOUT_MS}ms'`);
      try {
        await fence.query(`lock table ${lockOrder.map(quote).join(', ')} in exclusive mode`);
        break;
      } catch (err) {
        await fence.query('rollback');
        // A long write transaction held a table, or one locking in another order met ours: let
        // writers through and try again. The pause counts from the first attempt (writers queued
        // behind every attempt).
        if ((err as { code?: string }).code !== '55P03' || attempt === FENCE_ATTEMPTS) throw new MoveError('fence', `could not fence writes: ${(err as Error).message}`);
        await new Promise((res) => setTimeout(res, 20 * attempt));
      }
    }

    at('catch-up');
    if (plan.method === 'LOGICAL') {
      const token = randomUUID();
      await side.query('insert into _studyspot_move (token) values ($1)', [token]);
      const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
      while (!(await target.query('select 1 from _studyspot_move where token = $1', [token])).rowCount) {
        if (Date.now() > deadline) throw new MoveError('catch-up', 'the target did not catch up in time');
        await new Promise((res) => setTimeout(res, 5));
      }
    } else {
      await copyRows(side, target, [...lockOrder].reverse(), columns).catch((err: Error) => {
        throw new MoveError('catch-up', `copy: ${err.message}`);
      });
    }
    // Sequences are not replicated: carry their values over (none in today's schema; cheap when none).
    const seqs = await side.query<{ s: string; v: string | null }>(`select sequencename as s, last_value::text as v from pg_sequences where schemaname = 'public'`);
    if (seqs.rowCount) {
      for (const q of seqs.rows) if (q.v !== null) await target.query('select setval($1, $2::bigint, true)', [`public.${quote(q.s)}`, q.v]);
    }
    // Every table counted on both sides under the fence, table by table: the target has every
    // committed row (a surplus in one table cannot hide a shortfall in another).
    const count = `select ${list.map((t, i) => `(select count(*) from ${quote(t)})::text as c${i}`).join(', ')}`;
    const [src, dst] = await Promise.all([side.query<Record<string, string>>(count), target.query<Record<string, string>>(count)]);
    const differ = list.filter((_, i) => src.rows[0]![`c${i}`] !== dst.rows[0]![`c${i}`]);
    if (differ.length) throw new MoveError('catch-up', `row counts differ in ${differ.map((t) => `${t} (target ${dst.rows[0]![`c${list.indexOf(t)}`]}, source ${src.rows[0]![`c${list.indexOf(t)}`]})`).join(', ')}`);
    rows = list.reduce((n, _, i) => n + Number(dst.rows[0]![`c${i}`]), 0);

    at('flip');
    try {
      await opts.flip();
      flipped = true;
    } catch (err) {
      flipped = (await opts.flipped?.().catch(() => false)) ?? false;
      if (!flipped) throw new MoveError('flip', (err as Error).message);
    }

    // retire: the source takes no new connections; those still open (writers waiting on the fence,
    // pooled idle ones) are ended before the fence is released, so nothing writes there again.
    at('retire');
    maint = await connect(siblingDatabaseUrl(opts.source, 'postgres'), 'studyspot-move-retire');
    // (ALTER DATABASE … allow_connections cannot be run from inside the database itself.)
    await maint.query(`alter database ${quote(sourceDb)} with allow_connections false`);
    // Through a pooler, requests queued there for the source would wait out its query timeout: it
    // refuses and drops them now (they never reached the database; their retries go to the target).
    if (opts.sourcePooler) for (const e of await closeThroughPooler(opts.sourcePooler)) poolerProblems.push(`source pooler: ${e}`);
    // Idle connections and writers waiting on the fence go at once; a read running now is given a
    // moment to answer (it reads fenced, complete data), then ended too.
    const keep = [(fence as unknown as { processID: number }).processID, (side as unknown as { processID: number }).processID];
    const others = `datname = $1 and pid <> all($2::int[]) and backend_type = 'client backend'`;
    for (let i = 0; ; i++) {
      const all = i >= RETIRE_READS_WAIT_MS / 10;
      const r = await maint.query(`select pg_terminate_backend(pid) from pg_stat_activity where ${others}${all ? '' : ` and (state <> 'active' or wait_event_type = 'Lock')`}`, [sourceDb, keep]);
      ended += r.rowCount ?? 0;
      const left = await maint.query(`select 1 from pg_stat_activity where ${others}`, [sourceDb, keep]);
      if (!left.rowCount || all) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    await fence.query('commit');
  } catch (err) {
    if (!flipped) {
      if (fence) await fence.query('rollback').catch(() => {});
      await Promise.all([fence?.end(), side?.end(), target?.end(), maint?.end()].map((p) => p?.catch(() => {})));
      await dropReplication(opts.source, opts.target, true).catch(() => {});
      await dropDatabase({ kind: 'postgres', url: opts.target }).catch(() => {});
      throw err instanceof MoveError ? err : new MoveError(current, (err as Error).message);
    }
    // The map is flipped, so the tenant is on the target whatever else fails; but nothing may write
    // to the source again: while the fence still holds, the source database is dropped outright
    // (its connections ended with it) instead of being retired gently.
    try {
      await dropReplication(opts.source, opts.target, false).catch(() => {});
      await dropDatabase({ kind: 'postgres', url: opts.source });
      retireProblem = `retired by dropping the source at once (${(err as Error).message})`;
    } catch (dropErr) {
      retireProblem = `THE SOURCE DATABASE ${sourceDb} WAS NOT RETIRED and may take writes: drop it now (${(err as Error).message}; ${(dropErr as Error).message})`;
    }
  }
  const pauseMs = Math.round(performance.now() - pauseStart);
  await Promise.all([fence?.end(), side?.end(), target?.end(), maint?.end()].map((p) => p?.catch(() => {})));

  current = 'clean-up';
  opts.onStep?.('clean-up');
  const leftovers: string[] = [...(retireProblem ? [retireProblem] : []), ...poolerProblems];
  await dropReplication(opts.source, opts.target, false).catch((err: Error) => leftovers.push(`replication objects (${err.message})`));
  await withClient(opts.target, (c) => c.query('drop table if exists _studyspot_move')).catch((err: Error) => leftovers.push(`_studyspot_move on the target (${err.message})`));
  await dropDatabase({ kind: 'postgres', url: opts.source }).catch((err: Error) => leftovers.push(`the source database ${sourceDb} (${err.message})`));
  // The name is free on the source's pooler again (another tenant, or this one moving back).
  if (opts.sourcePooler) for (const e of await reopenThroughPooler(opts.sourcePooler)) leftovers.push(`source pooler: ${e}`);
  return { ...plan, pauseMs, copyMs, totalMs: Math.round(performance.now() - started), rows, endedConnections: ended, leftovers };
}
