// Drain-and-switch of the campaign queue's Redis prefix. Versions before Redis Cluster support kept
// the queue under `<REDIS_KEY_PREFIX>bull` (no hash tag); it is now `{<REDIS_KEY_PREFIX>bull}`. A
// worker of this version moves what an older deployment left under the old prefix: every job not
// held by a live worker is added to the new queue (same job id = campaign id, same due time) and then
// removed from the old one. A job an older worker is running keeps its lock and is left to it; it is
// looked at again every `everyMs` until the old queue is empty. Failed jobs (kept for inspection)
// stay where they are. Add-then-remove can, at worst, run a
// campaign twice, which sends nothing twice (runs resume from the recipients still PENDING, and every
// message has an idempotency key); remove-then-add could lose it.
// Only one server or Sentinel can hold such a queue: no older version ran on a cluster.
import { isClusterUrl, openRedis, type Platform } from '@studyspot/runtime';
import { Queue } from 'bullmq';
import { campaignQueue, QUEUE, type CampaignJob } from './queue.ts';

const legacyPrefix = (platform: Platform) => `${platform.config.redisKeyPrefix}bull`;

export interface LegacyDrain {
  /** Resolves with the jobs moved once the old queue is empty (or the drain was stopped). */
  readonly done: Promise<number>;
  stop(): Promise<void>;
}

export function drainLegacyQueue(platform: Platform, opts: { everyMs?: number } = {}): LegacyDrain {
  const url = platform.config.redisUrl;
  if (!url || isClusterUrl(url)) return { done: Promise.resolve(0), stop: async () => {} };
  const redis = openRedis(url, { maxRetriesPerRequest: null });
  const old = new Queue<CampaignJob>(QUEUE, { connection: redis, prefix: legacyPrefix(platform) });
  old.on('error', () => {});
  let stopped = false;
  let wake: () => void = () => {};
  let moved = 0;

  const pass = async (): Promise<boolean> => {
    const jobs = await old.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    for (const job of jobs) {
      if (stopped) return false;
      if (!job?.id) continue;
      const state = await job.getState();
      // A job an older worker holds right now: leave it to that worker.
      if (state === 'active' && (await redis.exists(`${legacyPrefix(platform)}:${QUEUE}:${job.id}:lock`))) continue;
      await campaignQueue(platform).schedule(job.data.tenantId, job.data.campaignId, new Date(job.timestamp + (job.opts.delay ?? 0)));
      await job.remove().then(
        () => moved++,
        (err: unknown) => platform.logger.warn({ err, jobId: job.id }, 'legacy campaign job not removed (an older worker holds it); it may run twice, which sends nothing twice'),
      );
    }
    const counts = await old.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return Object.values(counts).every((n) => n === 0);
  };

  const done = (async () => {
    try {
      while (!stopped) {
        if (await pass()) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, opts.everyMs ?? 30_000);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      if (moved) platform.logger.info({ moved }, 'campaign jobs moved from the old queue prefix to the hash-tagged one');
    } catch (err) {
      platform.logger.warn({ err }, 'moving campaign jobs from the old queue prefix failed; the next worker start tries again');
    } finally {
      await old.close().catch(() => {});
      redis.disconnect();
    }
    return moved;
  })();

  return {
    done,
    stop: async () => {
      stopped = true;
      wake();
      await done;
    },
  };
}
