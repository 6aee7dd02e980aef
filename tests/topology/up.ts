// `pnpm topology:up [--tenants N]`: the whole services layout on this machine from Debian's packages
// (no Docker): HAProxy in front of 2 gateways and of 2 replicas of each subgraph, a worker, PgBouncer
// in transaction mode in front of 2 PostgreSQL clusters, a private Redis, and N tenants (1,000 by
// default) placed over both clusters by the placement map. Safe to run again: what runs is kept,
// what is missing is started. `pnpm topology:down` stops it (lib.ts has the ports).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  alive, API_PORT, startProcess, CLUSTERS, CORE_DB, DIR, GATEWAY_PORTS, processEnv, readState, REDIS_PORT, REPLICA_PORT, ROOT, SUBGRAPH_FRONT, SUBGRAPHS, TENANT_PREFIX, WORKER_PORT, writeState,
  type Proc, type TopologyState,
} from './lib.ts';
import { clusterUrl } from '../support/clusters.ts';

const { values } = parseArgs({ options: { tenants: { type: 'string', default: '1000' } } });
const TENANTS = Number(values.tenants);
if (!Number.isInteger(TENANTS) || TENANTS < 2 || TENANTS > 10_000) throw new Error('--tenants must be 2 to 10,000');
const t0 = performance.now();
const say = (m: string) => console.log(`topology: ${m} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
mkdirSync(join(DIR, 'logs'), { recursive: true });
chmodSync(DIR, 0o755);

// 1. Engines from Debian's packages.
const missing = ['haproxy', 'pgbouncer'].filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
if (missing.length) {
  say(`installing ${missing.join(', ')} from Debian's packages`);
  execFileSync('sh', ['-c', `apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`], { stdio: 'inherit' });
}
execFileSync('bash', [join(ROOT, 'ops/pg-clusters.sh'), 'up', ...CLUSTERS.map((c) => String(c.port))], { stdio: 'inherit' });

const previous = readState();
const state: TopologyState = previous ?? {
  startedAt: new Date().toISOString(),
  secrets: {
    JWT_KEYS: `topo1:${randomBytes(32).toString('hex')}`,
    GATEWAY_SECRET: randomBytes(32).toString('hex'),
    PAYMENT_SECRETS_KEYS: `topo1:${randomBytes(32).toString('base64')}`,
  },
  tenants: 0,
  sample: [],
  procs: [],
  engines: { haproxy: join(DIR, 'haproxy.pid'), pgbouncer: [], redisPid: null },
};

// 2. A private Redis (the chaos suite restarts it; the machine's own is left alone).
if (!state.engines.redisPid || !alive(state.engines.redisPid)) {
  const r = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { detached: true, stdio: ['ignore', openSync(join(DIR, 'logs/redis.log'), 'a'), openSync(join(DIR, 'logs/redis.log'), 'a')] });
  r.unref();
  state.engines.redisPid = r.pid!;
}

// 3. PgBouncer per cluster, transaction pooling (Prisma's adapter-pg sends unnamed statements).
state.engines.pgbouncer = [];
// PgBouncer runs as the postgres user (it refuses root): its own directory for logs and pid files.
const bouncerDir = join(DIR, 'pgbouncer');
mkdirSync(bouncerDir, { recursive: true });
if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', bouncerDir]);
for (const c of CLUSTERS) {
  const ini = join(bouncerDir, `${c.name}.ini`);
  const pid = join(bouncerDir, `${c.name}.pid`);
  writeFileSync(join(bouncerDir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    `[databases]\n* = host=127.0.0.1 port=${c.port}\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = ${c.pooler}\nunix_socket_dir =\n` +
      `auth_type = trust\nauth_file = ${join(bouncerDir, 'users.txt')}\nadmin_users = postgres\npool_mode = transaction\nmax_client_conn = 2000\ndefault_pool_size = 5\n` +
      `max_db_connections = 10\nmax_user_connections = 150\nserver_reset_query =\nignore_startup_parameters = extra_float_digits,options\n` +
      // A cluster that is down: fail a query after 5 s instead of holding it for PgBouncer's default 120 s.
      `server_connect_timeout = 2\nquery_wait_timeout = 5\nserver_login_retry = 1\n` +
      `logfile = ${join(bouncerDir, `${c.name}.log`)}\npidfile = ${pid}\n`,
  );
  state.engines.pgbouncer.push(pid);
  if (spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(c.pooler)]).status !== 0) {
    // PgBouncer refuses to run as root: -u drops to the postgres user.
    execFileSync('pgbouncer', ['-d', ...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), ini], { stdio: 'inherit' });
    for (let i = 0; spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(c.pooler)]).status !== 0; i++) {
      if (i === 50) throw new Error(`PgBouncer did not start on ${c.pooler}; see ${join(bouncerDir, `${c.name}.log`)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
say('PostgreSQL clusters 5441/5442, PgBouncer 6441/6442, Redis 6390 up');

// 4. The core database, migrated over the direct connection; the map's servers (pooled URL + direct).
const env = processEnv(state);
const a = CLUSTERS[0]!;
const admin = new pg.Client(clusterUrl(a.port, 'postgres'));
await admin.connect();
if (!(await admin.query('select 1 from pg_database where datname = $1', [CORE_DB])).rowCount) await admin.query(`create database ${CORE_DB}`);
await admin.end();
execFileSync('pnpm', ['--filter', '@studyspot/db', 'run', 'db:migrate'], { cwd: ROOT, env: { ...env, DATABASE_URL: env.DATABASE_DIRECT_URL! }, stdio: ['ignore', 'ignore', 'inherit'] });
const core = new pg.Client(env.DATABASE_DIRECT_URL);
await core.connect();
const serverIds: string[] = [];
for (const c of CLUSTERS) {
  const r = await core.query<{ id: string }>(
    `insert into database_servers (id, name, url, direct_url, state) values (gen_random_uuid(), $1, $2, $3, 'OPEN')
     on conflict (name) do update set url = excluded.url, direct_url = excluded.direct_url returning id::text`,
    [c.name, `postgresql://postgres@127.0.0.1:${c.pooler}/`, `postgresql://postgres@127.0.0.1:${c.port}/`],
  );
  serverIds.push(r.rows[0]!.id);
}
// The core's own server takes no tenants here: they go to the two clusters.
await core.query(`update database_servers set state = 'CLOSED' where name = 'primary'`);

// 5. Tenants: databases made from a migrated template on each cluster, rows alternating clusters
// (the placement policy's fewest-tenants order, done in bulk).
const have = Number((await core.query<{ n: string }>(`select count(*)::text as n from tenants where db_name like $1`, [`${TENANT_PREFIX}%`])).rows[0]!.n);
if (have < TENANTS) {
  const latest = (await core.query<{ v: string }>(`select max(schema_version) as v from tenants`)).rows[0]?.v;
  const admins = await Promise.all(CLUSTERS.map(async (c) => {
    const x = new pg.Client(clusterUrl(c.port, 'postgres'));
    await x.connect();
    return x;
  }));
  const { provisionTenantDatabase, latestMigration, schemaLocation } = await import('@studyspot/db');
  const newest = latest ?? (await latestMigration(schemaLocation('tenant')));
  for (const c of CLUSTERS) await provisionTenantDatabase({ kind: 'postgres', url: clusterUrl(c.port, `${TENANT_PREFIX}template`) });
  for (let i = have; i < TENANTS; i++) {
    const s = i % CLUSTERS.length;
    const db = `${TENANT_PREFIX}${i}`;
    await admins[s]!.query(`drop database if exists ${db}`);
    await admins[s]!.query(`create database ${db} template ${TENANT_PREFIX}template strategy file_copy`);
    await core.query(
      `insert into tenants (id, slug, name, db_name, server_id, status, schema_version, state, updated_at) values ($1, $2, $3, $4, $5, 'ACTIVE', $6, 'KA', now())`,
      [randomUUID(), `topo-${i}`, `Topology centre ${i}`, db, serverIds[s], newest],
    );
    if ((i + 1) % 250 === 0) say(`${i + 1} of ${TENANTS} tenants`);
  }
  for (const x of admins) await x.end();
}
const sample = await core.query<{ id: string; server: string }>(
  `select * from (select t.id::text, s.name as server, row_number() over (partition by s.name order by t.created_at) as n from tenants t join database_servers s on s.id = t.server_id where t.db_name like $1) x where n <= 10`,
  [`${TENANT_PREFIX}%`],
);
state.sample = sample.rows.map((r) => ({ id: r.id, server: r.server }));
state.tenants = TENANTS;
const counts = await core.query<{ name: string; n: string }>(`select s.name, count(t.id)::text as n from database_servers s left join tenants t on t.server_id = s.id group by s.name order by s.name`);
await core.end();
say(`${TENANTS} tenants: ${counts.rows.map((r) => `${r.name} ${r.n}`).join(', ')}`);

// 6. The processes, from the compiled entry points.
execFileSync('pnpm', ['--filter', '@studyspot/gateway', 'run', 'build'], { cwd: ROOT, env: { ...process.env, BUILD_QUIET: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
const wanted: Omit<Proc, 'pid' | 'log'>[] = [
  ...SUBGRAPHS.flatMap((name, i) => [0, 1].map((r) => ({ name: `${name}-${r + 1}`, port: REPLICA_PORT(i, r), kind: 'subgraph' as const }))),
  ...GATEWAY_PORTS.map((port, r) => ({ name: `gateway-${r + 1}`, port, kind: 'gateway' as const })),
  { name: 'worker', port: WORKER_PORT, kind: 'worker' as const },
];
const procs: Proc[] = [];
for (const w of wanted) {
  const running = state.procs.find((p) => p.name === w.name && alive(p.pid));
  if (running) {
    procs.push(running);
    continue;
  }
  procs.push(startProcess(w, state));
}
state.procs = procs;
writeState(state);

// 7. HAProxy: the API and each subgraph in front of their replicas, checking /readyz every second
// (two failures out, two passes back), retrying a request whose connection failed on another one.
const cfg = [
  'global',
  '  maxconn 4000',
  'defaults',
  '  mode http',
  '  timeout connect 2s',
  '  timeout client 60s',
  '  timeout server 60s',
  '  timeout tunnel 1h',
  '  option http-server-close',
  '  retries 3',
  '  option redispatch',
  // Only a request that never reached a server is sent again: a mutation cut off mid-flight may have
  // been applied, and sending it twice could write twice.
  '  retry-on conn-failure',
  '  default-server inter 1s fall 2 rise 2',
  'frontend api',
  `  bind 127.0.0.1:${API_PORT}`,
  '  default_backend gateways',
  'backend gateways',
  '  balance leastconn',
  '  option httpchk GET /readyz',
  '  http-check expect status 200',
  ...GATEWAY_PORTS.map((p, i) => `  server g${i + 1} 127.0.0.1:${p} check`),
  ...SUBGRAPHS.flatMap((name, i) => [
    `listen ${name}`,
    `  bind 127.0.0.1:${SUBGRAPH_FRONT(i)}`,
    '  balance leastconn',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    ...[0, 1].map((r) => `  server ${name}${r + 1} 127.0.0.1:${REPLICA_PORT(i, r)} check`),
  ]),
  '',
].join('\n');
writeFileSync(join(DIR, 'haproxy.cfg'), cfg);
const oldHaproxy = existsSync(state.engines.haproxy) ? Number((await import('node:fs')).readFileSync(state.engines.haproxy, 'utf8').trim()) : 0;
if (oldHaproxy && alive(oldHaproxy)) execFileSync('haproxy', ['-f', join(DIR, 'haproxy.cfg'), '-D', '-p', state.engines.haproxy, '-sf', String(oldHaproxy)], { stdio: ['ignore', 'ignore', 'inherit'] });
else execFileSync('haproxy', ['-f', join(DIR, 'haproxy.cfg'), '-D', '-p', state.engines.haproxy], { stdio: ['ignore', 'ignore', 'inherit'] });

// 8. Ready: every process's /readyz, then the API through HAProxy.
const deadline = Date.now() + 240_000;
for (const p of procs) {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${p.port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (!alive(p.pid)) throw new Error(`${p.name} exited; see ${p.log}`);
    if (Date.now() > deadline) throw new Error(`${p.name} not ready after 240 s; see ${p.log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
for (;;) {
  const ok = await fetch(`http://127.0.0.1:${API_PORT}/readyz`).then((r) => r.status === 200, () => false);
  if (ok) break;
  if (Date.now() > deadline) throw new Error('HAProxy did not pass the API through in time');
  await new Promise((r) => setTimeout(r, 500));
}
say(`up: API http://127.0.0.1:${API_PORT}/graphql through HAProxy; ${procs.length} processes (2 gateways, 2 × ${SUBGRAPHS.length} subgraphs, 1 worker); state in .topology/state.json`);
