// Redis is a cache and a bus, not the source of truth. A private redis-server (started and stopped
// by this test only, on a loopback port of its own) is killed in the middle of traffic through two
// gateway processes' worth of platforms, then started again empty: no request is answered with a
// 5xx or INTERNAL_SERVER_ERROR, a logout made during the outage is enforced by the other gateway
// within the outage bound, and no revoked session comes back to life when Redis returns empty.
import type { ChildProcess } from 'node:child_process';
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import { createPlatform, type Platform } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { OUTAGE_TTL_MS } from '@studyspot/runtime/security';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './support/auth.ts';
import { freePort, startRedis, stop } from './support/redis.ts';
import { gql, OWNER_PASSWORD, seedTenant, type GqlResult } from './support/supergraph.ts';

const until = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return ok();
};

let port: number;
let redis: ChildProcess;
let world: TestWorld;
let second: Platform;
let g1: GatewayServer;
let g2: GatewayServer;
const answers: GqlResult[] = [];

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  // Client addresses from X-Forwarded-For, so the background sign-ins (10.9.0.x) and the brute-force
  // check below (10.8.0.1) count against different addresses, whatever the timing.
  world = await createTestWorld({ redisUrl: `redis://127.0.0.1:${port}`, trustProxy: true });
  await seedTenant(world, 'alpha', ['Rohan Patil']);
  // Two gateways with their own platforms: two processes' worth of caches, buses and limiters.
  second = await createPlatform(world.config, createLogger('second', 'silent'));
  g1 = await startGateway(world.platform, 0);
  g2 = await startGateway(second, 0);
});

afterAll(async () => {
  await g1?.close();
  await g2?.close();
  await second?.close();
  await world?.close();
  if (redis) await stop(redis);
});

const ME = '{ me { id } }';
const signIn = async () => (await login(g1.url, 'owner@alpha.test', OWNER_PASSWORD)).tokens!.accessToken;
const ask = async (url: string, token: string) => {
  const r = await gql(url, ME, { token });
  answers.push(r);
  return r;
};

describe('Redis outage', () => {
  it('keeps answering without 5xx, enforces logouts from the database, and revives no revoked session', async () => {
    const [keep, outage, before] = [await signIn(), await signIn(), await signIn()];
    const revokedBefore = await gql(g1.url, 'mutation { logout { revoked } }', { token: before });
    expect(revokedBefore.data).toEqual({ logout: { revoked: true } });
    expect((await ask(g2.url, before)).status).toBe(401);

    // Background traffic through both gateways for the whole test: reads and failed sign-ins (the rate limiter).
    let running = true;
    const traffic = (async () => {
      for (let i = 0; running; i++) {
        answers.push(await gql(i % 2 ? g1.url : g2.url, ME, { token: keep }));
        if (i % 5 === 0) answers.push((await login(g2.url, 'owner@alpha.test', `wrong password ${i}`, `10.9.0.${i % 200}`)).raw);
      }
    })();

    await new Promise((r) => setTimeout(r, 300));
    await stop(redis);
    expect(await until(() => !world.platform.events.healthy && !second.events.healthy, 5_000)).toBe(true);

    // During the outage: sign-in still works (the limiter counts in-process), a logout on one gateway
    // is enforced by the other within the outage bound.
    const during = await signIn();
    expect((await ask(g2.url, outage)).status).toBe(200);
    const lo = await gql(g1.url, 'mutation { logout { revoked } }', { token: outage });
    expect(lo.data).toEqual({ logout: { revoked: true } });
    expect((await ask(g1.url, outage)).status).toBe(401);
    await new Promise((r) => setTimeout(r, OUTAGE_TTL_MS + 100));
    expect((await ask(g2.url, outage)).status).toBe(401);
    expect((await ask(g2.url, during)).status).toBe(200);
    // The brute-force limit still holds, counted by the process itself.
    const tries = [];
    for (let i = 0; i < 6; i++) tries.push((await login(g2.url, 'nobody@alpha.test', `guess ${i}`, '10.8.0.1')).errors[0]?.code);
    expect(tries).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);

    // Redis comes back empty: both processes reconnect by themselves, nothing revoked is valid again.
    redis = await startRedis(port);
    expect(await until(() => world.platform.events.healthy && second.events.healthy, 10_000)).toBe(true);
    for (const token of [before, outage]) for (const g of [g1, g2]) expect((await ask(g.url, token)).status).toBe(401);
    expect((await ask(g2.url, keep)).status).toBe(200);
    // With the bus back, a logout reaches the other gateway at once: g2 has just cached `during` as
    // valid (trusted for 30 s while the bus is healthy), so only the published revocation can stop it.
    expect((await ask(g2.url, during)).status).toBe(200);
    await gql(g1.url, 'mutation { logout { revoked } }', { token: during });
    const started = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - started < 2_000) status = (await ask(g2.url, during)).status;
    expect(status).toBe(401);
    console.log(`[figures] revocation reached the other gateway over Redis in ${Date.now() - started} ms`);

    running = false;
    await traffic;
    const bad = answers.filter((r) => r.status >= 500 || (r.errors ?? []).some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR'));
    console.log(`[figures] Redis outage: ${answers.length} answers through 2 gateways, ${bad.length} 5xx or INTERNAL_SERVER_ERROR`);
    expect(bad.map((r) => r.raw)).toEqual([]);
    expect(answers.length).toBeGreaterThan(20);
  });
});
