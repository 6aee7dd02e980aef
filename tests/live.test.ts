// Live subscriptions over graphql-ws through the whole supergraph (embedded layout, real PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingWorld, enrol, type BillingWorld } from './support/billing.ts';
import { liveClient, type LiveClient } from './support/live.ts';
import { gql } from './support/supergraph.ts';

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
