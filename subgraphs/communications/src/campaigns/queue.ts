// Campaign jobs. With REDIS_URL they are BullMQ jobs (persistent in Redis: a delayed campaign waits
// there, a worker that dies mid-run leaves its job stalled and another worker — or the same process
// after a restart — picks it up; the run resumes from the recipients still PENDING). Without Redis (the
// embedded default) an in-process timer runs them, and on start-up every campaign still RUNNING or due
// is resumed from the database. Either way a campaign is one job (its id is the job id), and the
// messages' idempotency keys make a resumed run send nothing twice.
import { clock, openRedis, type Platform } from '@studyspot/runtime';
import { gaugeFrom } from '@studyspot/runtime/observability';
import { Queue, Worker, type Job } from 'bullmq';
import { drainLegacyQueue } from './legacy-queue.ts';
import { openCampaigns } from './campaigns.repository.ts';
import { runCampaign, type RunOptions } from './campaigns.service.ts';

/** A campaign job's data (its id is the campaign's id). */
export type CampaignJob = { tenantId: string; campaignId: string };

export interface CampaignQueue {
  schedule(tenantId: string, campaignId: string, at: Date): Promise<void>;
}

export const QUEUE = 'campaigns';
const producers = new WeakMap<Platform, CampaignQueue & { close(): Promise<void> }>();
const inProcessRunners = new WeakMap<Platform, (d: CampaignJob, at: Date) => void>();

/**
 * A connection for BullMQ (one server, Sentinel or Cluster, from REDIS_URL). BullMQ does not close a
 * connection it was given, so the caller disconnects it after closing the queue or worker.
 */
const connection = (platform: Platform) => openRedis(platform.config.redisUrl!, { maxRetriesPerRequest: null });
/** Hash-tagged, so every key of a queue is in one slot on a Redis Cluster (BullMQ's scripts need it). */
const prefix = (platform: Platform) => `{${platform.config.redisKeyPrefix}bull}`;

/** Where resolvers put campaigns: BullMQ with Redis, else this process's runner. */
export function campaignQueue(platform: Platform): CampaignQueue {
  let q = producers.get(platform);
  if (q) return q;
  if (platform.config.redisUrl) {
    const redis = connection(platform);
    const bull = new Queue<CampaignJob>(QUEUE, { connection: redis, prefix: prefix(platform) });
    gaugeFrom('studyspot_job_queue_depth', 'Jobs in a BullMQ queue, by state', ['queue', 'state'], async (set) => {
      // A scrape while Redis is away reports no depth rather than failing the whole /metrics answer.
      const counts = await bull.getJobCounts('waiting', 'delayed', 'active', 'failed').catch(() => null);
      for (const [state, n] of Object.entries(counts ?? {})) set({ queue: QUEUE, state }, n);
    });
    q = {
      schedule: async (tenantId, campaignId, at) => {
        await bull.add('run', { tenantId, campaignId }, { jobId: campaignId, delay: Math.max(0, at.getTime() - clock.nowMs()), attempts: 10, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: true, removeOnFail: 1_000 });
      },
      close: async () => {
        await bull.close();
        redis.disconnect();
      },
    };
  } else {
    q = {
      schedule: async (tenantId, campaignId, at) => {
        const run = inProcessRunners.get(platform);
        if (!run) throw new Error('No campaign worker runs in this process');
        run({ tenantId, campaignId }, at);
      },
      close: async () => {},
    };
  }
  producers.set(platform, q);
  return q;
}

/** Closes this process's producer connection (the worker's stop does it). */
export async function closeCampaignQueue(platform: Platform): Promise<void> {
  const q = producers.get(platform);
  producers.delete(platform);
  await q?.close();
}

async function runJob(platform: Platform, d: CampaignJob, o: RunOptions): Promise<string> {
  // The campaign's tenant's time (its test clock's, if it has one).
  const frozen = await platform.clocks.timeFor(d.tenantId);
  return clock.at(frozen, () => platform.tenants.withTenant(d.tenantId, (db) => runCampaign(platform, d.tenantId, db, d.campaignId, o)));
}

/** Starts the worker of this process; returns its stop function (it finishes the message in hand). */
export function startCampaignWorker(platform: Platform, opts: { stalledIntervalMs?: number; lockDurationMs?: number } = {}): () => Promise<void> {
  let stopping = false;
  const shouldStop = () => stopping;
  if (platform.config.redisUrl) {
    const redis = connection(platform);
    const worker = new Worker<CampaignJob>(
      QUEUE,
      async (job: Job<CampaignJob>) => {
        const outcome = await runJob(platform, job.data, { shouldStop });
        // Not due yet (moved later) or interrupted by a shutdown: try again later.
        if (outcome === 'not-due' || outcome === 'stopped') throw new Error(`campaign ${outcome}`);
        return outcome;
      },
      { connection: redis, prefix: prefix(platform), concurrency: 2, stalledInterval: opts.stalledIntervalMs ?? 30_000, lockDuration: opts.lockDurationMs ?? 30_000, maxStalledCount: 10 },
    );
    worker.on('error', (err) => platform.logger.error({ err }, 'campaign worker error'));
    const legacy = drainLegacyQueue(platform);
    return async () => {
      stopping = true;
      await legacy.stop();
      await worker.close();
      redis.disconnect();
      await closeCampaignQueue(platform);
    };
  }
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  const run = (d: CampaignJob, at: Date) => {
    const t = setTimeout(() => {
      timers.delete(t);
      const p = runJob(platform, d, { shouldStop }).catch((err) => platform.logger.error({ err, ...d }, 'campaign run failed'));
      running.add(p);
      void p.finally(() => running.delete(p));
    }, Math.max(0, at.getTime() - clock.nowMs()));
    timers.add(t);
  };
  inProcessRunners.set(platform, run);
  // Resume what a previous process left: running campaigns, and scheduled ones (due or not).
  void (async () => {
    for (const tenantId of await platform.activeTenantIds()) {
      const open = await platform.tenants.withTenant(tenantId, (db) => openCampaigns(db)).catch((err: unknown) => {
        platform.logger.warn({ err, tenantId }, 'could not resume the tenant’s campaigns');
        return [];
      });
      for (const c of open) run({ tenantId, campaignId: c.id }, c.scheduledAt);
    }
  })().catch((err) => platform.logger.error({ err }, 'resuming campaigns failed'));
  return async () => {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.allSettled([...running]);
    inProcessRunners.delete(platform);
  };
}
