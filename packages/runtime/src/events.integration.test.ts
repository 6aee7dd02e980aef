import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { InProcessEventBus, RedisEventBus, topics, type EventBus } from './events.ts';

const buses: EventBus[] = [];
afterAll(async () => {
  for (const b of buses) await b.close();
});

async function makeBuses(): Promise<[string, EventBus, EventBus][]> {
  const local = new InProcessEventBus();
  buses.push(local);
  const out: [string, EventBus, EventBus][] = [['in-process', local, local]];
  const url = process.env.REDIS_URL;
  // (The test kit depends on this package, so this test reads REDIS_URL itself.)
  if (!url) console.warn('!! REDIS_URL is not set: the event bus test runs the in-process bus only.');
  if (url) {
    // Two separate connections: what one process publishes, another process receives.
    const a = new RedisEventBus(url);
    const b = new RedisEventBus(url);
    await Promise.all([a.connect(), b.connect()]);
    buses.push(a, b);
    out.push(['redis', a, b]);
  }
  return out;
}

describe('event bus', async () => {
  const cases = await makeBuses();

  it.each(cases)('%s: delivers events on a topic to its subscribers only, in order', async (_name, publisher, subscriber) => {
    const tenant = randomUUID();
    const topic = topics.library(tenant, 'lib-1');
    const ac = new AbortController();
    const it1 = subscriber.subscribe(topic, ac.signal);
    const other = subscriber.subscribe(topics.library(tenant, 'lib-2'), ac.signal);
    const received = (async () => {
      const got: unknown[] = [];
      for await (const e of it1) {
        got.push(e);
        if (got.length === 3) break;
      }
      return got;
    })();
    const otherGot: unknown[] = [];
    void (async () => {
      for await (const e of other) otherGot.push(e);
    })();
    // Redis subscription is asynchronous; publish until the subscriber is attached.
    await new Promise((r) => setTimeout(r, 100));
    const before = await publisher.sequence(topic);
    for (let i = 0; i < 3; i++) await publisher.publish(topic, { kind: 'CHECK_IN', n: i, seq: -1 });
    // Each event carries the topic's next sequence number (a payload cannot set its own).
    expect(await received).toEqual([0, 1, 2].map((n) => ({ kind: 'CHECK_IN', n, seq: before + n + 1 })));
    expect(await publisher.sequence(topic)).toBe(before + 3);
    ac.abort();
    expect(otherGot).toEqual([]);
  });

  it.each(cases)('%s: answers ping', async (_name, bus) => {
    await expect(bus.ping()).resolves.toBeUndefined();
  });
});

describe.skipIf(!process.env.REDIS_URL)('event bus keys in Redis', () => {
  it('says nothing on its first connection, and "Redis is away" then "Redis is back" when a connection drops and returns', async () => {
    const lines: string[] = [];
    const logger = { info: (_o: object, m: string) => void lines.push(`info ${m}`), warn: (_o: object, m: string) => void lines.push(`warn ${m}`) };
    const bus = new RedisEventBus(process.env.REDIS_URL!, logger);
    await bus.connect();
    buses.push(bus);
    await new Promise((r) => setTimeout(r, 50));
    expect(lines).toEqual([]);
    const back = new Promise<void>((r) => bus.onHealthChange((healthy) => healthy && r()));
    // Drop the subscriber's connection as a restart of Redis would; ioredis reconnects on its own.
    (bus as unknown as { sub: Redis }).sub.disconnect(true);
    await back;
    expect(lines.map((l) => l.split(':')[0])).toEqual(['warn Redis is away', 'info Redis is back']);
  });

  it('keeps a topic\'s sequence under the deployment\'s prefix, expiring a week after its last event', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const bus = new RedisEventBus(process.env.REDIS_URL!, undefined, prefix);
    await bus.connect();
    buses.push(bus);
    const topic = `tenant:${randomUUID()}`;
    await bus.publish(topic, { type: 'PING' });
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      expect(await redis.get(`${prefix}seq:${topic}`)).toBe('1');
      expect(await redis.exists(`seq:${topic}`)).toBe(0);
      const ttl = await redis.ttl(`${prefix}seq:${topic}`);
      expect(ttl).toBeGreaterThan(604_700);
      expect(ttl).toBeLessThanOrEqual(604_800);
      await redis.del(`${prefix}seq:${topic}`);
      // A counter an older version kept unprefixed is carried over: the sequence never goes back.
      const older = `tenant:${randomUUID()}`;
      await redis.set(`seq:${older}`, '41');
      await bus.publish(older, { type: 'PING' });
      expect(await redis.get(`${prefix}seq:${older}`)).toBe('42');
      expect(await bus.sequence(older)).toBe(42);
      await redis.del(`${prefix}seq:${older}`, `seq:${older}`);
    } finally {
      redis.disconnect();
    }
  });
});
