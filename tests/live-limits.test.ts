// The per-account and per-tenant live subscription limits across gateway processes (issue 19): two
// gateways with their own platforms share a private redis-server; places taken on either count
// against both; a gateway that dies without giving its places back stops holding them once it is
// stale; while Redis is away each process decides alone (the stated fallback).
import type { ChildProcess } from 'node:child_process';
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import { createPlatform, type Platform } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setUpLibrary } from './support/campus.ts';
import { liveClient, type LiveClient, type Recorder } from './support/live.ts';
import { SharedPlaces } from '../gateway/src/live/shared-places.ts';
import { freePort, startRedis, stop } from './support/redis.ts';
import { seedTenant, type SeededTenant } from './support/supergraph.ts';

const DOC = 'subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence } }';
const STALE_MS = 1_500;
let port: number;
let redis: ChildProcess | null;
let world: TestWorld;
let a: SeededTenant;
const platforms: Platform[] = [];
const gateways: GatewayServer[] = [];
const clients: LiveClient[] = [];
let owner: string;
let manager: string;
let libraryId: string;

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  world = await createTestWorld({ redisUrl: `redis://127.0.0.1:${port}` });
  a = await seedTenant(world, 'alpha', ['Rohan Patil']);
  const config = { ...world.config, live: { ...world.config.live, perSocket: 20, perUser: 3, perTenant: 5, placesStaleMs: STALE_MS } };
  for (const name of ['g1', 'g2', 'g3']) {
    const p = await createPlatform(config, createLogger(name, 'silent'));
    platforms.push(p);
    gateways.push(await startGateway(p, 0));
  }
  owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
  manager = world.token({ sub: '00000000-0000-4000-8000-0000000000a2', role: 'MANAGER', tenantId: a.id });
  libraryId = (await setUpLibrary(gateways[0]!.url, owner, 2, 'Limits branch')).libraryId;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
  for (const g of gateways) await g.close().catch(() => {});
  for (const p of platforms) await p.close().catch(() => {});
  await world?.close();
  if (redis) await stop(redis);
});

const open = (g: number, token: string) => {
  const c = liveClient(gateways[g]!.url, { authorization: `Bearer ${token}` });
  clients.push(c);
  return c;
};
const codeOf = (errors: unknown[]) => ((errors[0] as { extensions?: Record<string, unknown> }[])?.[0] ?? (errors[0] as { extensions?: Record<string, unknown> }))?.extensions;
async function accepted(rec: Recorder) {
  await rec.next();
  return rec;
}

it('counts an account\'s and a tenant\'s subscriptions on every gateway, gives places back, frees a dead gateway\'s once it is stale, and falls back to each process\'s own count without Redis', async () => {
  // The owner: 2 on g1 and 1 on g2 reach the account limit of 3; a 4th on g2 is refused.
  const o1 = open(0, owner);
  const o2 = open(1, owner);
  const first = await accepted(o1.subscribe(DOC, { l: libraryId }));
  await accepted(o1.subscribe(DOC, { l: libraryId }));
  await accepted(o2.subscribe(DOC, { l: libraryId }));
  expect(codeOf(await o2.subscribe(DOC, { l: libraryId }).failed())).toMatchObject({ code: 'RATE_LIMITED', limit: 'perUser', setting: 'LIVE_PER_USER' });
  // Given back on g1, the place is free on g2 (g1: 1, g2: 2).
  first.stop();
  await expect.poll(async () => {
    const r = o2.subscribe(DOC, { l: libraryId });
    return Promise.race([r.next().then(() => 'accepted'), r.failed().then(() => 'refused')]);
  }, { timeout: 3_000, interval: 100 }).toBe('accepted');

  // The tenant: the owner's 3 and a manager's 2 on g3 reach 5; a 6th, on another gateway, is refused.
  const m3 = open(2, manager);
  await accepted(m3.subscribe(DOC, { l: libraryId }));
  await accepted(m3.subscribe(DOC, { l: libraryId }));
  expect(codeOf(await open(0, manager).subscribe(DOC, { l: libraryId }).failed())).toMatchObject({ code: 'RATE_LIMITED', limit: 'perTenant' });
  // The manager's socket closes: g3 gives its places back at once.
  await m3.dispose();
  const m1 = open(0, manager);
  await expect.poll(async () => {
    const r = m1.subscribe(DOC, { l: libraryId });
    return Promise.race([r.next().then(() => 'accepted'), r.failed().then(() => 'refused')]);
  }, { timeout: 3_000, interval: 100 }).toBe('accepted');
  await m1.dispose();

  // A gateway killed with places held (another process's entry that never beats again): its 2
  // count until it is stale, then no longer.
  const ghost = new SharedPlaces(`redis://127.0.0.1:${port}`, world.config.redisKeyPrefix, { heartbeatMs: 3_600_000, staleMs: STALE_MS });
  try {
    // (Once the manager's places on g1 are given back: the server sees the socket close a moment later.)
    await expect.poll(() => ghost.acquire([{ key: `tenant:${a.id}`, mine: 2, limit: 5 }]), { timeout: 3_000, interval: 50 }).toBeNull();
    const killedAt = Date.now();
    const m = open(0, manager);
    expect(codeOf(await m.subscribe(DOC, { l: libraryId }).failed())).toMatchObject({ code: 'RATE_LIMITED', limit: 'perTenant' });
    await expect.poll(async () => {
      const r = m.subscribe(DOC, { l: libraryId });
      return Promise.race([r.next().then(() => 'accepted'), r.failed().then(() => 'refused')]);
    }, { timeout: 5_000, interval: 200 }).toBe('accepted');
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(STALE_MS - 300);
    console.log(`[figures] a dead gateway's places freed ${Date.now() - killedAt} ms after its last beat (LIVE_PLACES_STALE_MS ${STALE_MS})`);
    await m.dispose();
  } finally {
    await ghost.close();
  }

  // Redis goes away: each gateway decides alone. The owner holds 1 on g1 and 2 on g2; g1 takes 2
  // more (its own count reaches 3) — up to N × the limit with N gateways, as stated — then refuses.
  await stop(redis!);
  redis = null;
  await accepted(o1.subscribe(DOC, { l: libraryId }));
  await accepted(o1.subscribe(DOC, { l: libraryId }));
  expect(codeOf(await o1.subscribe(DOC, { l: libraryId }).failed())).toMatchObject({ code: 'RATE_LIMITED', limit: 'perUser' });

  // Redis returns empty: the gateways' beats write their counts again (g1: 3, g2: 2), and g2, whose
  // own count (2) would allow one more, refuses again on the account's global count.
  redis = await startRedis(port);
  await expect.poll(async () => {
    const r = o2.subscribe(DOC, { l: libraryId });
    const got = await Promise.race([r.next().then(() => 'accepted'), r.failed().then((e) => String(codeOf(e)?.limit))]);
    if (got === 'accepted') r.stop();
    return got;
  }, { timeout: 5_000, interval: 200 }).toBe('perUser');
});
