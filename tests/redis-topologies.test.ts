// Redis as one server, through Sentinel and as a Cluster (issue 19): the same code — the event bus
// with its sequence script, the shared rate limits, the live places script and the campaign queue
// (BullMQ) — runs on all three, each on private redis-servers this test starts and stops. Sentinel
// also fails over under it; the cluster shows why the queue prefix carries a hash tag. And the
// drain-and-switch of the queue's old, untagged prefix.
import type { ChildProcess } from 'node:child_process';
import { openRedis, RedisEventBus, type Platform, type RedisClient } from '@studyspot/runtime';
import { RedisRateLimiter } from '@studyspot/runtime/security';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedPlaces } from '../gateway/src/live/shared-places.ts';
import { drainLegacyQueue } from '../subgraphs/communications/src/campaigns/legacy-queue.ts';
import { campaignQueue, closeCampaignQueue } from '../subgraphs/communications/src/campaigns/queue.ts';
import { failover, freePort, startRedis, startRedisCluster, startSentinel, stop } from './support/redis.ts';

const procs: ChildProcess[] = [];
const urls: Record<'single' | 'sentinel' | 'cluster', string> = { single: '', sentinel: '', cluster: '' };
let sentinel: Awaited<ReturnType<typeof startSentinel>>;
const opened: { close(): unknown }[] = [];
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const platformFor = (url: string, prefix: string) => ({ config: { redisUrl: url, redisKeyPrefix: prefix }, logger: silent }) as unknown as Platform;
const client = (url: string, opts = {}): RedisClient => {
  const c = openRedis(url, { maxRetriesPerRequest: null, ...opts });
  opened.push({ close: () => c.disconnect() });
  return c;
};

beforeAll(async () => {
  const port = await freePort();
  procs.push(await startRedis(port));
  urls.single = `redis://127.0.0.1:${port}`;
  const cluster = await startRedisCluster(3);
  procs.push(...cluster.procs);
  urls.cluster = cluster.url;
  sentinel = await startSentinel();
  procs.push(...sentinel.procs);
  urls.sentinel = sentinel.url;
}, 90_000);

afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await Promise.all(procs.map(stop));
});

async function busRoundTrip(url: string, prefix: string) {
  const bus = new RedisEventBus(url, undefined, prefix);
  opened.push(bus);
  await bus.connect();
  const ac = new AbortController();
  const topic = `tenant:${prefix}:library:1`;
  const it = bus.subscribe(topic, ac.signal);
  const got: unknown[] = [];
  const reading = (async () => {
    for await (const e of it) if (got.push(e) === 2) break;
  })();
  // The subscription is made asynchronously; publish until the first event arrives.
  await expect.poll(async () => (await bus.publish(topic, { n: got.length }), got.length), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0);
  await bus.publish(topic, { last: true });
  await reading;
  ac.abort();
  const seqs = got.map((e) => (e as { seq: number }).seq);
  expect(seqs[1]).toBe(seqs[0]! + 1);
  expect(await bus.sequence(topic)).toBeGreaterThanOrEqual(seqs[1]!);
  return bus;
}

describe.each(['single', 'sentinel', 'cluster'] as const)('Redis as %s', (kind) => {
  const prefix = `t${kind}:`;

  it('carries events with their sequence numbers', async () => {
    await busRoundTrip(urls[kind], prefix);
  });

  it('keeps shared rate limits', async () => {
    const limiter = new RedisRateLimiter(client(urls[kind], { maxRetriesPerRequest: 1 }), prefix);
    for (let i = 1; i <= 3; i++) expect((await limiter.hit('login:ip:1', 60)).count).toBe(i);
    await limiter.release('login:ip:1');
    const state = await limiter.peek('login:ip:1');
    expect(state.count).toBe(2);
    expect(state.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('runs the live places script across two processes', async () => {
    const a = new SharedPlaces(urls[kind], prefix, { heartbeatMs: 200, staleMs: 5_000, timeoutMs: 2_000 });
    const b = new SharedPlaces(urls[kind], prefix, { heartbeatMs: 200, staleMs: 5_000, timeoutMs: 2_000 });
    opened.push(a, b);
    expect(await a.acquire([{ key: 'tenant:x', mine: 2, limit: 3 }])).toBeNull();
    // A refusal proves the script ran: a Redis error would have granted (the fallback) and counted one.
    expect(await b.acquire([{ key: 'tenant:x', mine: 2, limit: 3 }])).toBe('tenant:x');
    expect(await b.acquire([{ key: 'tenant:x', mine: 1, limit: 3 }])).toBeNull();
    expect(a.fallbackCount + b.fallbackCount).toBe(0);
  });

  it('queues and runs campaign jobs under the hash-tagged prefix', async () => {
    const platform = platformFor(urls[kind], prefix);
    const due = new Date(Date.now() + 3_600_000);
    await campaignQueue(platform).schedule('tenant-1', 'campaign-later', due);
    await campaignQueue(platform).schedule('tenant-1', 'campaign-now', new Date());
    const ran: string[] = [];
    const worker = new Worker(
      'campaigns',
      async (job) => {
        ran.push(job.id!);
      },
      { connection: client(urls[kind]), prefix: `{${prefix}bull}` },
    );
    opened.push(worker);
    await expect.poll(() => ran, { timeout: 10_000 }).toEqual(['campaign-now']);
    const q = new Queue('campaigns', { connection: client(urls[kind]), prefix: `{${prefix}bull}` });
    opened.push(q);
    const later = await q.getJob('campaign-later');
    expect(await later!.getState()).toBe('delayed');
    expect(Math.abs(later!.timestamp + later!.delay - due.getTime())).toBeLessThan(1_000);
    await worker.close();
    await closeCampaignQueue(platform);
  });
});

describe('Redis Cluster', () => {
  it('refuses a queue whose keys are in different slots (why the prefix has a hash tag)', async () => {
    const q = new Queue('campaigns', { connection: client(urls.cluster), prefix: 'untagged:bull' });
    opened.push(q);
    await expect(q.add('run', { n: 1 })).rejects.toThrow(/CROSSSLOT|slot/i);
  });
});

describe('Redis Sentinel', () => {
  it('follows a failover to the promoted replica', async () => {
    const bus = await busRoundTrip(urls.sentinel, 'fo1:');
    const limiter = new RedisRateLimiter(client(urls.sentinel, { maxRetriesPerRequest: 1 }), 'fo:');
    await limiter.hit('k', 60);
    const t0 = Date.now();
    await failover(sentinel);
    // Commands fail while the clients reconnect (no offline queue: callers fall back); then they reach the new primary.
    await expect.poll(() => limiter.hit('k', 60).then((s) => s.count, () => 0), { timeout: 20_000, interval: 100 }).toBeGreaterThan(1);
    const recovered = Date.now() - t0;
    const role = await client(urls.sentinel).role();
    expect(role[0]).toBe('master');
    await busRoundTrip(urls.sentinel, 'fo2:');
    await bus.close();
    console.info(`sentinel failover: limits back on the promoted replica ${recovered} ms after the failover was asked for`);
  });
});

describe('the queue’s old, untagged prefix', () => {
  it('moves waiting and delayed jobs to the new prefix and leaves one an older worker holds to it', async () => {
    const url = urls.single;
    const prefix = 'legacy:';
    const platform = platformFor(url, prefix);
    const old = new Queue('campaigns', { connection: client(url), prefix: `${prefix}bull` });
    opened.push(old);
    const dueLater = Date.now() + 3_600_000;
    await old.add('run', { tenantId: 't', campaignId: 'c-later' }, { jobId: 'c-later', delay: dueLater - Date.now() });
    // An older worker is in the middle of c-held.
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    const olderWorker = new Worker('campaigns', () => holding, { connection: client(url), prefix: `${prefix}bull` });
    opened.push(olderWorker);
    await old.add('run', { tenantId: 't', campaignId: 'c-held' }, { jobId: 'c-held', removeOnComplete: true });
    await expect.poll(async () => (await old.getJob('c-held'))?.getState(), { timeout: 5_000 }).toBe('active');
    await olderWorker.pause(true).catch(() => {});
    await old.add('run', { tenantId: 't', campaignId: 'c-waiting' }, { jobId: 'c-waiting' });

    const drain = drainLegacyQueue(platform, { everyMs: 100 });
    const next = new Queue('campaigns', { connection: client(url), prefix: `{${prefix}bull}` });
    opened.push(next);
    await expect.poll(async () => [await next.getJob('c-later'), await next.getJob('c-waiting')].every(Boolean), { timeout: 5_000 }).toBe(true);
    expect(await next.getJob('c-held')).toBeUndefined();
    expect(await (await old.getJob('c-held'))!.getState()).toBe('active');
    const later = await next.getJob('c-later');
    expect(Math.abs(later!.timestamp + later!.delay - dueLater)).toBeLessThan(1_000);
    // The older worker finishes its job; the old queue is then empty and the drain ends.
    release();
    expect(await drain.done).toBe(2);
    expect(Object.values(await old.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).every((n) => n === 0)).toBe(true);
    await closeCampaignQueue(platform);
  });
});
