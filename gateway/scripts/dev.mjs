/* global process, console, setTimeout, clearTimeout, URL */
// `pnpm dev`: the supergraph from its TypeScript sources, for working on it.
//
// - Without DATABASE_URL: the embedded default (PGlite, in-process events, the demo tenant), in one
//   process that restarts when a source file changes (tsx watch). The services layout cannot run
//   embedded: a PGlite directory opens in one process only. That is said in one line, at once.
// - With DATABASE_URL: the services layout, each subgraph in its own process on its port and the
//   gateway calling them over HTTP. The server is checked first (one line and exit 1 if it does not
//   answer), migrated once, and the demo tenant is seeded on an empty core database (SEED_DEMO=1
//   unless set), so the gateway prints working logins like `pnpm start`. Without REDIS_URL a warning
//   says what stays per process.
//
// Ctrl-C stops every process (SIGTERM, they drain) and exits 0 once all have gone.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const SUBGRAPHS = ['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights'];
const env = { ...process.env };
const say = (line) => console.log(`pnpm dev: ${line}`);

/** Resolves true when host:port accepts a TCP connection within 2 s. */
function answers(host, port) {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish(false), 2_000);
    const finish = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      done(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function serverOf(url, defaultPort) {
  try {
    const u = new URL(url);
    return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
  } catch {
    return null;
  }
}

const children = [];
let stopping = false;

/** Runs a child with each output line prefixed by its name; a child that dies ends the whole run. */
function run(name, args, extraEnv = {}, prefix = true, command = TSX) {
  // Each child in its own process group: a terminal's Ctrl-C reaches this script only, which sends
  // one SIGTERM (tsx watch, signalled twice, force-kills its child and says so).
  const child = spawn(command, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: prefix ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'], detached: true });
  if (prefix) {
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) (stream === child.stderr ? process.stderr : process.stdout).write(`${name.padEnd(14)} | ${line}\n`);
      });
    }
  }
  child.on('exit', (code, signal) => {
    children.splice(children.indexOf(child), 1);
    if (!stopping) {
      say(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
      process.exitCode = code || 1;
      stop();
    } else if (children.length === 0) process.exit(process.exitCode ?? 0);
  });
  children.push(child);
  return child;
}

function stop() {
  if (stopping && children.length === 0) return;
  stopping = true;
  if (children.length === 0) process.exit(process.exitCode ?? 0);
  for (const child of children) child.kill('SIGTERM');
  // The processes drain in-flight work first (SHUTDOWN_DRAIN_MS); past 15 s they are killed.
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, 15_000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

if (!env.DATABASE_URL) {
  say('no DATABASE_URL, so the embedded default in one process (PGlite, in-process events, the demo tenant), restarted on every source change.');
  say('For one process per subgraph set DATABASE_URL (PostgreSQL) and REDIS_URL, e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/studyspot REDIS_URL=redis://127.0.0.1:6379 pnpm dev');
  // Node's own watch mode (every file the process imported, through tsx's loader): one SIGTERM
  // stops the child gracefully (tsx watch, signalled, force-kills it with a warning).
  run('studyspot', ['--watch', '--watch-preserve-output', '--import', 'tsx', 'gateway/src/main.ts'], {}, false, process.execPath);
} else {
  const db = serverOf(env.DATABASE_URL, 5432);
  if (!db || !(await answers(db.host, db.port))) {
    say(`DATABASE_URL points at ${db ? `${db.host}:${db.port}` : 'an address that is not a URL'}, which does not answer. Start PostgreSQL there, or unset DATABASE_URL for the embedded default.`);
    process.exit(1);
  }
  if (env.REDIS_URL) {
    const redis = serverOf(env.REDIS_URL.replace(/^redis-(sentinel|cluster):/, 'redis:').split(',')[0], 6379);
    if (!redis || !(await answers(redis.host, redis.port))) {
      say(`REDIS_URL points at ${redis ? `${redis.host}:${redis.port}` : 'an address that is not a URL'}, which does not answer. Start Redis there, or unset REDIS_URL (events then stay in each process).`);
      process.exit(1);
    }
  } else {
    say('no REDIS_URL: events stay in each process, so live updates from a subgraph process do not reach the gateway\'s subscribers. Set REDIS_URL for the full picture.');
  }
  env.SEED_DEMO ??= '1';
  say(`services layout on ${db.host}:${db.port}: migrating, then ${SUBGRAPHS.length} subgraph processes and the gateway (SUBGRAPH_MODE=remote)`);
  const migrate = spawn(TSX, ['prisma/scripts/migrate.ts'], { cwd: ROOT, env, stdio: 'inherit' });
  const code = await new Promise((r) => migrate.on('exit', (c) => r(c ?? 1)));
  if (code !== 0) {
    say('migrations failed (above); nothing started.');
    process.exit(code);
  }
  for (const name of SUBGRAPHS) run(name, [`gateway/src/processes/${name}.ts`]);
  // The gateway seeds the demo tenant and prints the logins once it is ready.
  run('gateway', ['gateway/src/main.ts'], { SUBGRAPH_MODE: 'remote', MIGRATE_TENANTS_ON_START: env.MIGRATE_TENANTS_ON_START ?? '0' }, false);
}
