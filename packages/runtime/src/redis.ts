// Where Redis is, from REDIS_URL, and one way to open it. Three shapes:
//   redis://[user:password@]host:port[/db]      one server (rediss:// for TLS)
//   redis-sentinel://[password@]h1:26379,h2:26379[/db]#mymaster
//                                               a primary found through Sentinel (Lettuce's URI form);
//                                               ioredis follows failovers to the new primary
//   redis-cluster://[password@]h1:7000,h2:7001  Redis Cluster (any reachable nodes; the rest are discovered)
// Every key a multi-key command or script touches shares one hash tag ({live}, the queue prefix's
// {…}), so the same code runs on all three.
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; password?: string; db: number }
  | { kind: 'cluster'; nodes: HostPort[]; password?: string };

export class RedisUrlError extends Error {}

function hosts(list: string, defaultPort: number): HostPort[] {
  return list.split(',').map((h) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h.trim());
    if (!m) throw new RedisUrlError(`"${h}" is not host[:port]`);
    const port = m[2] ? Number(m[2]) : defaultPort;
    if (port < 1 || port > 65_535) throw new RedisUrlError(`port ${port} out of range`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** Reads REDIS_URL's three forms; throws RedisUrlError with the reason for anything else. */
export function parseRedisUrl(raw: string): RedisTarget {
  const scheme = /^([a-z-]+):\/\//.exec(raw)?.[1];
  if (scheme === 'redis' || scheme === 'rediss') {
    try {
      new URL(raw);
    } catch {
      throw new RedisUrlError('not a valid URL');
    }
    return { kind: 'single', url: raw };
  }
  if (scheme !== 'redis-sentinel' && scheme !== 'redis-cluster') {
    throw new RedisUrlError(`expected redis://, rediss://, redis-sentinel:// or redis-cluster://, got ${scheme ? `${scheme}://` : 'no scheme'}`);
  }
  const m = /^[a-z-]+:\/\/(?:([^@/#]*)@)?([^/#]+)(?:\/(\d+))?(?:#(.+))?$/.exec(raw);
  if (!m) throw new RedisUrlError(`expected ${scheme}://[password@]host:port[,host:port…]${scheme === 'redis-sentinel' ? '[/db]#name' : ''}`);
  const [, auth, list, db, name] = m;
  // "user:password" or "password"; ioredis's ACL user for these shapes is the default user.
  const password = auth ? decodeURIComponent(auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : auth) || undefined : undefined;
  if (scheme === 'redis-sentinel') {
    if (!name) throw new RedisUrlError('redis-sentinel:// needs the primary’s name after #, e.g. #mymaster');
    return { kind: 'sentinel', sentinels: hosts(list!, 26_379), name: decodeURIComponent(name), password, db: db ? Number(db) : 0 };
  }
  if (db || name) throw new RedisUrlError('redis-cluster:// takes no database number or name (a cluster has database 0 only)');
  return { kind: 'cluster', nodes: hosts(list!, 6_379), password };
}

/**
 * Opens a client for REDIS_URL with `options` (ioredis's; for a cluster they apply to every node
 * connection, and `enableOfflineQueue`/`lazyConnect` to the cluster itself).
 */
export function openRedis(url: string, options: RedisOptions = {}): RedisClient {
  const t = parseRedisUrl(url);
  if (t.kind === 'single') return new Redis(url, options);
  if (t.kind === 'sentinel') return new Redis({ ...options, sentinels: t.sentinels, name: t.name, password: t.password, db: t.db });
  const { enableOfflineQueue, lazyConnect, retryStrategy, ...node } = options;
  return new Cluster(t.nodes, {
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: retryStrategy ? (n) => retryStrategy(n) ?? null : undefined,
    redisOptions: { ...node, password: t.password },
    // Without this a cluster that answers MOVED/ASK during a reshard retries forever.
    maxRedirections: 16,
  });
}

/**
 * The options of every client that must not hold a request while Redis is away: no offline queue (a
 * command fails at once instead of piling up), one retry, a short connect timeout; ioredis keeps
 * reconnecting in the background (100 ms more per attempt, at most every 2 s). `lazyConnect`: the
 * caller connects when it is ready to report a failure.
 */
export const FAIL_FAST: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3_000, retryStrategy: (n) => Math.min(100 * n, 2_000) };

/** A client is usable for commands right now. */
export const redisReady = (c: RedisClient): boolean => c.status === 'ready';

/** The cluster form keeps no keys outside database 0 and cannot hold two keys of different slots in one script. */
export const isClusterUrl = (url: string): boolean => parseRedisUrl(url).kind === 'cluster';
