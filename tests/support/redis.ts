// A private redis-server for tests that kill and restart Redis: started and stopped by the test only,
// on a loopback port of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = createServer();
      c.once('error', () => resolve(true)); // the port is taken: Redis listens
      c.listen(port, '127.0.0.1', () => c.close(() => resolve(false)));
    });
    if (up) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

export const stop = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : (p.once('exit', () => resolve()), p.kill('SIGKILL'))));

const waitFor = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms`);
};

const cli = (port: number, ...args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const p = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(' ')}: ${out}`))));
  });

/** A Redis Cluster of `n` primaries (no replicas) on free loopback ports; its data directory is a temporary one. */
export async function startRedisCluster(n = 3): Promise<{ url: string; ports: number[]; procs: ChildProcess[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'studyspot-cluster-'));
  const ports: number[] = [];
  const procs: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freePort();
    ports.push(port);
    procs.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir], { stdio: 'ignore' }));
  }
  for (const port of ports) await waitFor(`redis-server ${port}`, async () => (await cli(port, 'ping')).trim() === 'PONG');
  await cli(ports[0]!, '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes');
  for (const port of ports) await waitFor(`cluster state at ${port}`, async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'));
  return { url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, procs };
}

/** A primary, its replica and one Sentinel watching them as `mymaster`. */
export async function startSentinel(): Promise<{ url: string; primary: number; replica: number; sentinel: number; procs: ChildProcess[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'studyspot-sentinel-'));
  const [primary, replica, sentinel] = [await freePort(), await freePort(), await freePort()];
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const procs = [spawn('redis-server', ['--port', String(primary), ...base], { stdio: 'ignore' })];
  await waitFor('primary', async () => (await cli(primary, 'ping')).trim() === 'PONG');
  procs.push(spawn('redis-server', ['--port', String(replica), '--replicaof', '127.0.0.1', String(primary), ...base], { stdio: 'ignore' }));
  await waitFor('replica in sync', async () => (await cli(replica, 'info', 'replication')).includes('master_link_status:up'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [`port ${sentinel}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${primary} 1`, 'sentinel down-after-milliseconds mymaster 1000', 'sentinel failover-timeout mymaster 5000', ''].join('\n'),
  );
  procs.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  // Sentinel learns of the replica from the primary's INFO (every 10 s at first).
  await waitFor('sentinel sees the replica', async () => (await cli(sentinel, 'sentinel', 'replicas', 'mymaster')).includes(String(replica)), 30_000);
  return { url: `redis-sentinel://127.0.0.1:${sentinel}#mymaster`, primary, replica, sentinel, procs };
}

/** Asks the Sentinel for a failover and waits until it names the replica as the primary. */
export async function failover(s: { sentinel: number; replica: number }): Promise<void> {
  await cli(s.sentinel, 'sentinel', 'failover', 'mymaster');
  await waitFor('failover', async () => (await cli(s.sentinel, 'sentinel', 'get-master-addr-by-name', 'mymaster')).includes(String(s.replica)), 30_000);
  await waitFor('replica promoted', async () => (await cli(s.replica, 'role')).startsWith('master'));
}
