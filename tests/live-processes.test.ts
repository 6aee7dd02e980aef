// Live subscriptions in the services layout across processes: each subgraph on its own HTTP port,
// two gateways with their own platforms (two processes' worth of buses, caches and sockets) and a
// private redis-server between them that this test kills and starts again.
import type { ChildProcess } from 'node:child_process';
import { startGateway, SUBGRAPHS, type GatewayServer } from '@studyspot/gateway';
import { createPlatform, serveSubgraph, type Platform, type RunningServer, type SubgraphName } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './support/auth.ts';
import { monthEnd, setUpLibrary, today } from './support/campus.ts';
import { liveClient, type LiveClient } from './support/live.ts';
import { freePort, startRedis, stop } from './support/redis.ts';
import { gql, OWNER_PASSWORD, seedTenant, type SeededTenant } from './support/supergraph.ts';

let port: number;
let redis: ChildProcess;
let world: TestWorld;
let a: SeededTenant;
let subgraphs: Map<SubgraphName, RunningServer>;
const platforms: Platform[] = [];
let g1: GatewayServer;
let g2: GatewayServer;
let owner: string;
let libraryId: string;
const students: string[] = [];
const clients: LiveClient[] = [];

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  world = await createTestWorld({ redisUrl: `redis://127.0.0.1:${port}`, trustProxy: true });
  a = await seedTenant(world, 'alpha', ['Rohan Patil', 'Sneha Joshi']);
  subgraphs = new Map();
  for (const m of SUBGRAPHS) subgraphs.set(m.name, await serveSubgraph(m, world.platform, 0));
  const config = { ...world.config, subgraphMode: 'remote' as const, subgraphUrls: Object.fromEntries([...subgraphs].map(([n, s]) => [n, s.url])) as Record<SubgraphName, string> };
  for (const name of ['g1', 'g2']) platforms.push(await createPlatform(config, createLogger(name, 'silent')));
  g1 = await startGateway(platforms[0]!, 0);
  g2 = await startGateway(platforms[1]!, 0);
  owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
  // A library with opening hours round the clock and two students holding seats today.
  const lib = await setUpLibrary(g1.url, owner, 4, 'Live branch');
  libraryId = lib.libraryId;
  for (const [i, name] of ['Rohan Live', 'Sneha Live'].entries()) {
    const st = await gql(g1.url, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }', { token: owner, variables: { i: { name, phone: `97300000${i}1`, libraryId } } });
    const id = (st.data!.createStudent as { student: { id: string } }).student.id;
    const al = await gql(g1.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id } } }', { token: owner, variables: { i: { studentId: id, seatId: lib.seatIds[i], shiftId: lib.shifts.fullDay, startDate: today(), endDate: monthEnd(today()) } } });
    if (!(al.data?.allocateSeat as { allocation: unknown } | undefined)?.allocation) throw new Error(al.raw);
    students.push(id);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
  await g1?.close();
  await g2?.close();
  for (const p of platforms) await p.close();
  for (const s of subgraphs?.values() ?? []) await s.close().catch(() => {});
  await world?.close();
  if (redis) await stop(redis);
});

const open = (url: string, token: string) => {
  const c = liveClient(url, { authorization: `Bearer ${token}` });
  clients.push(c);
  return c;
};
const OCCUPANCY = `subscription($l: ID!) { libraryOccupancy(libraryId: $l) {
  sequence snapshot occupancy { inside } changes { kind visit { student { name balancePaise } } }
} }`;
const MARK = 'mutation($s: ID!, $l: ID!, $a: AttendanceAction!) { markAttendance(studentId: $s, libraryId: $l, action: $a) { visit { id } userErrors { code message } } }';
type Occ = { libraryOccupancy: { sequence: number; snapshot: boolean; occupancy: { inside: number }; changes: { kind: string; visit: { student: { name: string; balancePaise: number } } | null }[] } };
const mark = async (url: string, i: number, action: 'CHECK_IN' | 'CHECK_OUT') => {
  const r = await gql(url, MARK, { token: owner, variables: { s: students[i], l: libraryId, a: action } });
  expect((r.data?.markAttendance as { userErrors: unknown[] } | undefined)?.userErrors, r.raw).toEqual([]);
};
const until = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

describe('live across processes (services layout, Redis)', () => {
  it('a check-in handled through one gateway reaches subscribers on both, with fields of two subgraphs', async () => {
    const on1 = open(g1.url, owner).subscribe<Occ>(OCCUPANCY, { l: libraryId });
    const on2 = open(g2.url, owner).subscribe<Occ>(OCCUPANCY, { l: libraryId });
    await Promise.all([on1.next(), on2.next()]);
    const t0 = Date.now();
    await mark(g1.url, 0, 'CHECK_IN');
    const changed = (m: { data?: Occ | null }) => (m.data?.libraryOccupancy.changes.length ?? 0) > 0;
    const [m1, m2] = await Promise.all([on1.next(changed, 2_000), on2.next(changed, 2_000)]);
    console.log(`[figures] check-in through gateway 1 to message on gateway 2: ${Date.now() - t0} ms`);
    for (const m of [m1, m2]) expect(m.data!.libraryOccupancy.changes).toEqual([{ kind: 'CHECK_IN', visit: { student: { name: 'Rohan Live', balancePaise: expect.any(Number) } } }]);
    // Both processes computed the same state; the sequence comes from Redis, so it agrees too.
    expect(m2.data!.libraryOccupancy.sequence).toBe(m1.data!.libraryOccupancy.sequence);
    await mark(g1.url, 0, 'CHECK_OUT');
  });

  it('a logout through one gateway closes the socket held by the other with 4403', async () => {
    const tokens = (await login(g1.url, 'owner@alpha.test', OWNER_PASSWORD, '10.7.0.1')).tokens!;
    const c = open(g2.url, tokens.accessToken);
    await c.subscribe(OCCUPANCY, { l: libraryId }).next();
    const t0 = Date.now();
    const out = await gql(g1.url, 'mutation { logout { revoked } }', { token: tokens.accessToken });
    expect(out.data).toEqual({ logout: { revoked: true } });
    expect(await c.closed(2_000)).toEqual({ code: 4403, reason: 'Session revoked' });
    console.log(`[figures] logout on gateway 1 to socket closed on gateway 2: ${Date.now() - t0} ms`);
  });

  it('after Redis restarts empty, subscribers get a fresh snapshot that includes what happened meanwhile', async () => {
    const rec = open(g2.url, owner).subscribe<Occ>(OCCUPANCY, { l: libraryId });
    const before = (await rec.next()).data!.libraryOccupancy.occupancy.inside;
    await stop(redis);
    expect(await until(() => !platforms[1]!.events.healthy && !world.platform.events.healthy, 5_000)).toBe(true);
    // Published while Redis is away: lost on the bus, never silently.
    await mark(g1.url, 1, 'CHECK_IN');
    const seen = rec.messages.length;
    redis = await startRedis(port);
    const fresh = await rec.next((m) => m.data?.libraryOccupancy.snapshot === true, 10_000, seen);
    expect(fresh.data!.libraryOccupancy.occupancy.inside).toBe(before + 1);
    // And the stream goes on after the restart.
    await mark(g1.url, 1, 'CHECK_OUT');
    const after = await rec.next((m) => m.data?.libraryOccupancy.changes.at(-1)?.kind === 'CHECK_OUT', 5_000, rec.messages.indexOf(fresh) + 1);
    expect(after.data!.libraryOccupancy.occupancy.inside, JSON.stringify(rec.messages)).toBe(before);
  });

  it('when a subgraph fails during entity resolution, the message carries partial data and a coded error, and the stream goes on', async () => {
    const rec = open(g2.url, owner).subscribe<Occ>(OCCUPANCY, { l: libraryId });
    await rec.next();
    const billing = subgraphs.get('billing')!;
    await billing.close();
    try {
      await mark(g1.url, 1, 'CHECK_IN');
      const partial = await rec.next((m) => m.data?.libraryOccupancy?.changes.at(-1)?.kind === 'CHECK_IN', 3_000);
      // The counts (campus) are there; the visits, which need billing's balance, are null.
      expect(partial.data!.libraryOccupancy.occupancy.inside).toEqual(expect.any(Number));
      expect(partial.data!.libraryOccupancy.changes.at(-1)).toEqual({ kind: 'CHECK_IN', visit: null });
      expect(partial.errors?.map((e) => e.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
    } finally {
      subgraphs.set('billing', await serveSubgraph(SUBGRAPHS.find((m) => m.name === 'billing')!, world.platform, Number(new URL(billing.url).port)));
    }
    const seen = rec.messages.length;
    await mark(g1.url, 1, 'CHECK_OUT');
    const whole = await rec.next((m) => m.data?.libraryOccupancy.changes.at(-1)?.kind === 'CHECK_OUT', 3_000, seen);
    expect(whole.errors).toBeUndefined();
    expect(whole.data!.libraryOccupancy.changes.at(-1)!.visit!.student.name).toBe('Sneha Live');
  });
});
