// Live subscriptions over graphql-ws through the whole supergraph (embedded layout, real PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingWorld, enrol, type BillingWorld } from './support/billing.ts';
import { liveClient, wsUrl, type LiveClient } from './support/live.ts';
import { gql } from './support/supergraph.ts';
import type { Socket } from 'node:net';
import WebSocket from 'ws';

const until = async (ok: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

let w: BillingWorld;
const clients: LiveClient[] = [];
const open = (token: string | null, extra: Record<string, unknown> = {}) => {
  const c = liveClient(w.url(), token ? { authorization: `Bearer ${token}`, ...extra } : null);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  w = await createBillingWorld();
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
  await w?.close();
});

const OCCUPANCY = `subscription($l: ID!) { libraryOccupancy(libraryId: $l) {
  sequence snapshot droppedChanges
  occupancy { inside capacity zones { zone inside capacity } }
  changes { sequence kind at visit { id student { id name balancePaise } } }
} }`;
const MARK = 'mutation($s: ID!, $l: ID!, $a: AttendanceAction!) { markAttendance(studentId: $s, libraryId: $l, action: $a) { visit { id } userErrors { code message } } }';

const codeOf = (errors: unknown[]) => ((errors[0] as { extensions?: { code?: string } }[])?.[0] ?? (errors[0] as { extensions?: { code?: string } }))?.extensions?.code;

type Occ = { libraryOccupancy: { sequence: number; snapshot: boolean; occupancy: { inside: number }; changes: { kind: string; visit: { student: { name: string; balancePaise: number } } }[] } };

describe('libraryOccupancy', () => {
  it("starts with the state now, then shows a check-in with the student's name and balance within a second", async () => {
    const s = await enrol(w, { name: 'Asha Live', pricePaise: 45_000 });
    const c = open(w.owner);
    const rec = c.subscribe<Occ>(OCCUPANCY, { l: w.lib.libraryId });
    const first = await rec.next();
    expect(first.errors).toBeUndefined();
    expect(first.data!.libraryOccupancy).toMatchObject({ snapshot: true, changes: [] });
    const inside = first.data!.libraryOccupancy.occupancy.inside;
    const t0 = Date.now();
    const r = await gql(w.url(), MARK, { token: w.owner, variables: { s: s.studentId, l: w.lib.libraryId, a: 'CHECK_IN' } });
    expect(r.errors).toBeUndefined();
    const msg = await rec.next((m) => (m.data?.libraryOccupancy.changes.length ?? 0) > 0, 1_000);
    const took = Date.now() - t0;
    expect(msg.data!.libraryOccupancy).toMatchObject({ snapshot: false, occupancy: { inside: inside + 1 }, changes: [{ kind: 'CHECK_IN', visit: { student: { name: 'Asha Live', balancePaise: 45_000 } } }] });
    expect(msg.data!.libraryOccupancy.sequence).toBeGreaterThan(first.data!.libraryOccupancy.sequence);
    console.log(`[figures] check-in to live message: ${took} ms`);
  });
});

describe('kiosk check-in', () => {
  it("reaches an occupancy subscriber with the student's name and balance within a second", async () => {
    const s = await enrol(w, { name: 'Kiosk Kiran', pricePaise: 52_000 });
    const rec = open(w.owner).subscribe<Occ>(OCCUPANCY, { l: w.lib.libraryId });
    await rec.next();
    const kiosk = await gql(w.url(), 'query($l: ID!) { kioskToken(libraryId: $l) { token } }', { token: w.owner, variables: { l: w.lib.libraryId } });
    const qr = (kiosk.data!.kioskToken as { token: string }).token;
    const t0 = Date.now();
    const scan = await gql(w.url(), 'mutation($t: String!) { checkInWithQr(token: $t) { visit { id } userErrors { code message } } }', { token: s.studentToken, variables: { t: qr } });
    expect((scan.data!.checkInWithQr as { userErrors: unknown[] }).userErrors).toEqual([]);
    const msg = await rec.next((m) => m.data?.libraryOccupancy.changes.some((c) => c.visit?.student.name === 'Kiosk Kiran') ?? false, 1_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(msg.data!.libraryOccupancy.changes.find((c) => c.visit?.student.name === 'Kiosk Kiran')).toEqual({ sequence: expect.any(Number), kind: 'CHECK_IN', at: expect.any(String), visit: { id: expect.any(String), student: { id: s.studentId, name: 'Kiosk Kiran', balancePaise: 52_000 } } });
  });
});

describe('seatMap', () => {
  it('sends the map, then the map again with the seat that changed when a seat is allocated', async () => {
    const { today } = await import('./support/campus.ts');
    type Map = { seatMap: { snapshot: boolean; changedSeatIds: string[]; seatMap: { entries: { seat: { id: string }; state: string; occupant: { name: string } | null }[] } } };
    const rec = open(w.owner).subscribe<Map>('subscription($l: ID!, $d: Date!, $s: ID!) { seatMap(libraryId: $l, date: $d, shiftId: $s) { snapshot changedSeatIds seatMap { entries { seat { id } state occupant { name } } } } }', {
      l: w.lib.libraryId,
      d: today(),
      s: w.lib.shifts.fullDay,
    });
    const first = (await rec.next()).data!.seatMap;
    expect(first.snapshot).toBe(true);
    expect(first.seatMap.entries.length).toBeGreaterThanOrEqual(w.lib.seatIds.length);
    const free = first.seatMap.entries.findIndex((e) => e.state === 'FREE');
    const s = await enrol(w, { name: 'Map Student', seat: w.lib.seatIds.indexOf(first.seatMap.entries[free]!.seat.id) });
    const seatId = first.seatMap.entries[free]!.seat.id;
    const msg = await rec.next((m) => m.data?.seatMap.changedSeatIds.includes(seatId) ?? false, 2_000);
    expect(msg.data!.seatMap.seatMap.entries.find((e) => e.seat.id === seatId)).toMatchObject({ state: 'ALLOCATED', occupant: { name: 'Map Student' } });
    expect(s.studentId).toBeTruthy();
  });
});

describe('coalescing and grouping', () => {
  it('sends a burst of 20 check-ins and check-outs as a few messages that carry every change and the final count', async () => {
    const s = await enrol(w, { name: 'Burst Student' });
    const rec = open(w.owner).subscribe<Occ>(OCCUPANCY, { l: w.lib.libraryId });
    const first = (await rec.next()).data!.libraryOccupancy;
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const r = await gql(w.url(), MARK, { token: w.owner, variables: { s: s.studentId, l: w.lib.libraryId, a: i % 2 ? 'CHECK_OUT' : 'CHECK_IN' } });
      expect((r.data!.markAttendance as { userErrors: unknown[] }).userErrors).toEqual([]);
    }
    const took = Date.now() - t0;
    // Every change arrives, in order, however they were batched.
    const all = async () => rec.messages.slice(1).flatMap((m) => m.data!.libraryOccupancy.changes.map((c) => c.kind));
    for (let i = 0; i < 100 && (await all()).length < 20; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await all()).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 'CHECK_OUT' : 'CHECK_IN')));
    const updates = rec.messages.length - 1;
    // At most one message per 250 ms window (plus the leading one).
    expect(updates).toBeLessThanOrEqual(Math.ceil((took + 300) / 250) + 1);
    expect(rec.messages.at(-1)!.data!.libraryOccupancy.occupancy.inside).toBe(first.occupancy.inside);
    const seqs = rec.messages.map((m) => m.data!.libraryOccupancy.sequence);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    console.log(`[figures] 20 door events in ${took} ms → ${updates} messages`);
  });

  it('resolves each event once per group: subgraph fetches per event do not grow with subscribers', async () => {
    const s = await enrol(w, { name: 'Group Student' });
    const engine = w.gateway.live.engine;
    // Only this test's subscriptions: the counters are the gateway's.
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    for (let i = 0; i < 100 && engine.stats.groups > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(engine.stats.groups).toBe(0);
    const DOC = `subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence changes { visit { student { name balancePaise } } } } }`;
    const perEvent = async (subscribers: number) => {
      const recs = Array.from({ length: subscribers }, () => open(w.owner).subscribe<Occ>(DOC, { l: w.lib.libraryId }));
      await Promise.all(recs.map((r) => r.next()));
      const before = { ...engine.stats };
      const r = await gql(w.url(), MARK, { token: w.owner, variables: { s: s.studentId, l: w.lib.libraryId, a: 'CHECK_IN' } });
      expect(r.errors).toBeUndefined();
      await Promise.all(recs.map((rec) => rec.next((m) => (m.data?.libraryOccupancy.changes.length ?? 0) > 0)));
      const after = engine.stats;
      await gql(w.url(), MARK, { token: w.owner, variables: { s: s.studentId, l: w.lib.libraryId, a: 'CHECK_OUT' } });
      for (const rec of recs) rec.stop();
      return { fetches: after.fetches - before.fetches, executions: after.executions - before.executions, delivered: after.sent - before.sent };
    };
    const one = await perEvent(1);
    const many = await perEvent(40);
    // The payload needs campus (the root) and billing (balancePaise): two fetches, for 1 or 40 subscribers.
    expect(one).toEqual({ fetches: 2, executions: 1, delivered: 1 });
    expect(many).toEqual({ fetches: 2, executions: 1, delivered: 40 });
  });

  it('never lets a group span scopes: the owner and a branch-limited manager get separate executions', async () => {
    const s = await enrol(w, { name: 'Scope Student' });
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    for (let i = 0; i < 100 && w.gateway.live.engine.stats.groups > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const DOC = 'subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence changes { kind } } }';
    const manager = w.tokenFor({ sub: '00000000-0000-4000-8000-0000000000c1', role: 'MANAGER', tenantId: w.a.id, libraryIds: [w.lib.libraryId] });
    const engine = w.gateway.live.engine;
    const a = open(w.owner).subscribe<Occ>(DOC, { l: w.lib.libraryId });
    const b = open(manager).subscribe<Occ>(DOC, { l: w.lib.libraryId });
    const c = open(w.owner).subscribe<Occ>(DOC, { l: w.lib.libraryId });
    await Promise.all([a.next(), b.next(), c.next()]);
    const before = { ...engine.stats };
    await gql(w.url(), MARK, { token: w.owner, variables: { s: s.studentId, l: w.lib.libraryId, a: 'CHECK_IN' } });
    const changed = (m: { data?: Occ | null }) => (m.data?.libraryOccupancy.changes.length ?? 0) > 0;
    await Promise.all([a.next(changed), b.next(changed), c.next(changed)]);
    // Two scopes (owner; manager of one branch), three subscribers: two executions, three deliveries.
    expect({ executions: engine.stats.executions - before.executions, delivered: engine.stats.sent - before.sent }).toEqual({ executions: 2, delivered: 3 });
    await gql(w.url(), MARK, { token: w.owner, variables: { s: s.studentId, l: w.lib.libraryId, a: 'CHECK_OUT' } });
    for (const r of [a, b, c]) r.stop();
  });
});

describe('authorization', () => {
  const DOC = 'subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence } }';

  it('closes a connection without a token or with a bad one (4401), and with an expired one (4403)', async () => {
    const none = open(null);
    none.subscribe(DOC, { l: w.lib.libraryId });
    expect((await none.closed()).code).toBe(4401);
    const bad = open('not-a-token');
    bad.subscribe(DOC, { l: w.lib.libraryId });
    expect((await bad.closed()).code).toBe(4401);
    const expired = open(w.tokenFor({ sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, -10));
    expired.subscribe(DOC, { l: w.lib.libraryId });
    expect((await expired.closed()).code).toBe(4403);
  });

  it("refuses another tenant's library, a library outside a manager's branches, and a student's look at occupancy", async () => {
    const other = open(w.ownerToken(w.b)).subscribe(DOC, { l: w.lib.libraryId });
    expect(codeOf(await other.failed())).toBe('NOT_FOUND');
    const manager = w.tokenFor({ sub: '00000000-0000-4000-8000-0000000000c2', role: 'MANAGER', tenantId: w.a.id, libraryIds: ['00000000-0000-4000-8000-0000000000d1'] });
    const branch = open(manager).subscribe(DOC, { l: w.lib.libraryId });
    expect(codeOf(await branch.failed())).toBe('NOT_FOUND');
    const s = await enrol(w);
    const student = open(s.studentToken).subscribe(DOC, { l: w.lib.libraryId });
    expect(codeOf(await student.failed())).toBe('FORBIDDEN');
    // A refusal ends that subscription only: the same socket still works.
    const c = open(w.owner);
    const bad = c.subscribe(DOC, { l: '00000000-0000-4000-8000-0000000000d2' });
    expect(codeOf(await bad.failed())).toBe('NOT_FOUND');
    const good = c.subscribe(DOC, { l: w.lib.libraryId });
    expect((await good.next()).data).toBeTruthy();
  });

  it('closes the socket with 4403 when the token expires', async () => {
    const c = open(w.tokenFor({ sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, 2));
    const rec = c.subscribe(DOC, { l: w.lib.libraryId });
    await rec.next();
    const t0 = Date.now();
    const closed = await c.closed(5_000);
    expect(closed.code).toBe(4403);
    expect(closed.reason).toBe('Token expired');
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('closes the socket with 4403 when the session is logged out', async () => {
    const { login } = await import('./support/auth.ts');
    const { OWNER_PASSWORD } = await import('./support/supergraph.ts');
    const tokens = (await login(w.url(), 'owner@alpha.test', OWNER_PASSWORD)).tokens!;
    const c = open(tokens.accessToken);
    await c.subscribe(DOC, { l: w.lib.libraryId }).next();
    const t0 = Date.now();
    await gql(w.url(), 'mutation { logout { revoked } }', { token: tokens.accessToken });
    expect(await c.closed()).toEqual({ code: 4403, reason: 'Session revoked' });
    console.log(`[figures] logout to socket closed: ${Date.now() - t0} ms`);
  });

  it('applies the operation limits to subscription documents, and validates them', async () => {
    const c = open(w.owner);
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: sequence`).join(' ');
    const tooMany = c.subscribe(`subscription($l: ID!) { libraryOccupancy(libraryId: $l) { ${aliases} } }`, { l: w.lib.libraryId });
    expect(codeOf(await tooMany.failed())).toBe('OPERATION_TOO_COMPLEX');
    const invalid = c.subscribe('subscription { libraryOccupancy(libraryId: "x") { nope } }');
    expect(codeOf(await invalid.failed())).toBe('GRAPHQL_VALIDATION_FAILED');
    const query = c.subscribe('query { me { id } }');
    expect(codeOf(await query.failed())).toBe('BAD_REQUEST');
  });

  it('refuses a subscription over HTTP with a coded 400 that points to the WebSocket', async () => {
    const r = await gql(w.url(), 'subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence } }', { token: w.owner, variables: { l: w.lib.libraryId } });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(r.errors?.[0]?.message).toMatch(/WebSocket/);
  });

  it('closes a socket that does not initialise in time (4408) or sends an oversized message (1009); upgrades only /graphql', async () => {
    const { default: WebSocket } = await import('ws');
    const url = wsUrl(w.url());
    const closeOf = (ws: InstanceType<typeof WebSocket>) => new Promise<number>((r) => ws.on('close', (code) => r(code)));
    const t0 = Date.now();
    const silent = new WebSocket(url, 'graphql-transport-ws');
    expect(await closeOf(silent)).toBe(4408);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(w.world.platform.config.live.initTimeoutMs - 100);
    const big = new WebSocket(url, 'graphql-transport-ws');
    await new Promise((r) => big.on('open', r));
    big.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${w.owner}`, pad: 'x'.repeat(70_000) } }));
    expect(await closeOf(big)).toBe(1009);
    const elsewhere = new WebSocket(url.replace(/\/graphql$/, '/healthz'), 'graphql-transport-ws');
    const status = await new Promise<number>((r) => elsewhere.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
    expect(status).toBe(404);
    elsewhere.on('error', () => {});
  });

  it('limits subscriptions per socket', async () => {
    const limits = w.world.platform.config.live;
    const saved = limits.perSocket;
    limits.perSocket = 2;
    try {
      const c = open(w.owner);
      await c.subscribe(DOC, { l: w.lib.libraryId }).next();
      await c.subscribe(DOC, { l: w.lib.libraryId }).next();
      const third = c.subscribe(DOC, { l: w.lib.libraryId });
      expect(codeOf(await third.failed())).toBe('RATE_LIMITED');
    } finally {
      limits.perSocket = saved;
    }
  });

  it('holds the per-socket limit when 200 subscribe messages arrive in one write: 20 accepted, the rest RATE_LIMITED, the socket still served', async () => {
    expect(w.world.platform.config.live.perSocket).toBe(20);
    const ws = new WebSocket(wsUrl(w.url()), 'graphql-transport-ws');
    const got: { id?: string; type: string; payload?: unknown }[] = [];
    ws.on('message', (m) => void got.push(JSON.parse(String(m))));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${w.owner}` } }));
    await until(() => got.some((m) => m.type === 'connection_ack'));
    // One TCP write: the socket is corked while the 200 frames are queued.
    const raw = (ws as unknown as { _socket: Socket })._socket;
    raw.cork();
    for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: OCCUPANCY, variables: { l: w.lib.libraryId } } }));
    raw.uncork();
    const answered = () => new Set(got.filter((m) => m.id && (m.type === 'next' || m.type === 'error')).map((m) => m.id)).size;
    await until(() => answered() === 200, 20_000);
    const accepted = new Set(got.filter((m) => m.type === 'next').map((m) => m.id));
    const refused = got.filter((m) => m.type === 'error');
    expect(accepted.size).toBe(20);
    expect(refused).toHaveLength(180);
    expect(new Set(refused.map((m) => (m.payload as { extensions: { code: string } }[])[0]!.extensions.code))).toEqual(new Set(['RATE_LIMITED']));
    // The socket is still served: a place freed by a completion is taken by a new subscription.
    ws.send(JSON.stringify({ id: [...accepted][0], type: 'complete' }));
    await new Promise((r) => setTimeout(r, 100));
    ws.send(JSON.stringify({ id: 'again', type: 'subscribe', payload: { query: OCCUPANCY, variables: { l: w.lib.libraryId } } }));
    await until(() => got.some((m) => m.id === 'again' && m.type === 'next'));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});

describe('payments and notifications', () => {
  const STATUS = 'subscription($o: ID!) { paymentStatus(orderId: $o) { sequence snapshot order { id status payment { amountPaise receipt { number } } } } }';
  const NOTES = 'subscription { notifications { sequence snapshot dropped items { kind title student { name } payment { id amountPaise } } } }';
  type Status = { paymentStatus: { snapshot: boolean; order: { status: string; payment: { amountPaise: number; receipt: { number: string } | null } | null } } };
  type Notes = { notifications: { snapshot: boolean; items: { kind: string; title: string; student: { name: string } | null; payment: { amountPaise: number } | null }[] } };

  it("shows a checkout screen its order being paid, and tells the student (and no other student) in their notifications", async () => {
    const { createOrder, payAtCheckout } = await import('./support/billing.ts');
    const s = await enrol(w, { name: 'Pay Live', pricePaise: 30_000 });
    const other = await enrol(w, { name: 'Other Live' });
    const order = (await createOrder(w, s.studentId)).order!;
    const screen = open(s.studentToken).subscribe<Status>(STATUS, { o: order.id });
    expect((await screen.next()).data!.paymentStatus).toMatchObject({ snapshot: true, order: { status: 'CREATED', payment: null } });
    const notes = open(s.studentToken).subscribe<Notes>(NOTES);
    const otherNotes = open(other.studentToken).subscribe<Notes>(NOTES);
    await Promise.all([notes.next(), otherNotes.next()]);
    // Another student may not follow this order.
    const spy = open(other.studentToken).subscribe(STATUS, { o: order.id });
    expect(codeOf(await spy.failed())).toBe('NOT_FOUND');
    await payAtCheckout(w, order);
    const paid = await screen.next((m) => m.data?.paymentStatus.order.status === 'PAID');
    expect(paid.data!.paymentStatus.order.payment).toMatchObject({ amountPaise: order.amountPaise, receipt: { number: expect.any(String) } });
    const note = await notes.next((m) => (m.data?.notifications.items.length ?? 0) > 0);
    expect(note.data!.notifications.items).toEqual([{ kind: 'PAYMENT_CAPTURED', title: `Payment of Rs. ${(order.amountPaise / 100).toFixed(2)} received`, student: { name: 'Pay Live' }, payment: { id: expect.any(String), amountPaise: order.amountPaise } }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(otherNotes.messages).toHaveLength(1);
  });
});

describe('tenant suspension', () => {
  it("closes the tenant's sockets with 4403 within a second or two", async () => {
    const admin = w.tokenFor({ sub: '00000000-0000-4000-8000-00000000000a', role: 'ADMIN', tenantId: null });
    const c = open(w.ownerToken(w.b));
    await c.subscribe('subscription { notifications { sequence } }').next();
    const t0 = Date.now();
    try {
      const s = await gql(w.url(), 'mutation($id: ID!) { suspendTenant(id: $id, reason: "live test") { userErrors { code } } }', { token: admin, variables: { id: w.b.id } });
      expect(s.data).toEqual({ suspendTenant: { userErrors: [] } });
      expect(await c.closed(2_000)).toEqual({ code: 4403, reason: 'Tenant suspended' });
      console.log(`[figures] suspension to socket closed: ${Date.now() - t0} ms`);
    } finally {
      await gql(w.url(), 'mutation($id: ID!) { reactivateTenant(id: $id) { userErrors { code } } }', { token: admin, variables: { id: w.b.id } });
    }
  });
});
