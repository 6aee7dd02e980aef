// The one-machine topology (issue 19): what runs where, and the state file both commands share.
//   HAProxy 127.0.0.1:8080 → gateways 4011, 4012 (the API); HAProxy 127.0.0.1:4001–4006 → each
//   subgraph's two replicas (41xx, 42xx); the worker on 4010; PgBouncer (transaction mode) 6441 →
//   PostgreSQL 5441 and 6442 → 5442; a private Redis on 6390. Tenants placed over both clusters.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterUrl } from '../support/clusters.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIR = join(ROOT, '.topology');
export const STATE = join(DIR, 'state.json');
export const API_PORT = 8080;
export const REDIS_PORT = 6390;
export const WORKER_PORT = 4010;
export const GATEWAY_PORTS = [4011, 4012];
export const SUBGRAPHS = ['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights'] as const;
/** HAProxy's front for each subgraph (what the gateways call). */
export const SUBGRAPH_FRONT = (i: number) => 4001 + i;
/** The replicas' own ports: 4101…4106 and 4201…4206. */
export const REPLICA_PORT = (i: number, r: number) => 4101 + 100 * r + i;
export const CLUSTERS = [
  { name: 'pg-a', port: 5441, pooler: 6441 },
  { name: 'pg-b', port: 5442, pooler: 6442 },
];
export const CORE_DB = 'studyspot_topology';
export const TENANT_PREFIX = 'topo_t_';

export interface Proc {
  name: string;
  pid: number;
  port: number;
  kind: 'gateway' | 'subgraph' | 'worker';
  log: string;
}

export interface TopologyState {
  startedAt: string;
  secrets: { JWT_KEYS: string; GATEWAY_SECRET: string; PAYMENT_SECRETS_KEYS: string };
  tenants: number;
  /** A few tenant ids on each cluster, for load and chaos. */
  sample: { id: string; server: string }[];
  procs: Proc[];
  /** Pid files of the engines started here (HAProxy, PgBouncer) and the private Redis's pid. */
  engines: { haproxy: string; pgbouncer: string[]; redisPid: number | null };
}

export function readState(): TopologyState | null {
  return existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as TopologyState) : null;
}

export function writeState(s: TopologyState): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(STATE, JSON.stringify(s, null, 2));
}


/** Whether a pid is a live process (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The environment every StudySpot process of the topology gets. */
export function processEnv(s: Pick<TopologyState, 'secrets'>): Record<string, string> {
  const a = CLUSTERS[0]!;
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...s.secrets,
    DATABASE_URL: clusterUrl(a.pooler, CORE_DB),
    DATABASE_DIRECT_URL: clusterUrl(a.port, CORE_DB),
    REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
    REDIS_KEY_PREFIX: 'topology:',
    SUBGRAPH_MODE: 'remote',
    BACKGROUND_WORK: '0',
    MIGRATE_TENANTS_ON_START: '0',
    SEED_DEMO: '0',
    TRUST_PROXY: '1',
    // HAProxy checks every second and takes a server out after two failures: 2.5 s covers it.
    SHUTDOWN_DRAIN_MS: '2500',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${API_PORT}`,
    TENANT_DB_PREFIX: 'topo_',
    // The connection budget per process: 10 core + 20 tenant clients × 2 = 50 client connections to
    // PgBouncer; 13 processes → 650 at most, against max_client_conn 2000; PgBouncer keeps at most
    // 150 server connections per cluster (max_user_connections), under PostgreSQL's 200.
    TENANT_CLIENT_MAX: '20',
    TENANT_POOL_MAX: '2',
    ...Object.fromEntries(SUBGRAPHS.map((n, i) => [`SUBGRAPH_${n.toUpperCase()}_URL`, `http://127.0.0.1:${SUBGRAPH_FRONT(i)}/graphql`])),
  };
}

/** Starts one StudySpot process, detached, its output in .topology/logs/<name>.log. */
export function startProcess(w: Omit<Proc, 'pid' | 'log'>, s: TopologyState): Proc {
  const log = join(DIR, 'logs', `${w.name}.log`);
  const out = openSync(log, 'a');
  const base = w.name.replace(/-\d$/, '');
  const entry = w.kind === 'gateway' ? 'gateway' : base;
  const own: Record<string, string> = { PORT: String(w.port), STUDYSPOT_DATA_DIR: join(DIR, 'data', w.name) };
  if (w.kind === 'subgraph') own[`SUBGRAPH_${base.toUpperCase()}_URL`] = `http://127.0.0.1:${w.port}/graphql`;
  if (w.kind === 'worker') own.BACKGROUND_WORK = '1';
  const child = spawn(process.execPath, [join(ROOT, 'gateway/dist', `${entry}.js`)], { cwd: ROOT, detached: true, env: { ...processEnv(s), ...own }, stdio: ['ignore', out, out] });
  child.unref();
  return { ...w, pid: child.pid!, log };
}

