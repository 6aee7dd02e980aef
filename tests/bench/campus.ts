// `pnpm bench:campus`: CSV import throughput (10,000 rows, then the same file again as updates) and
// seat map latency (p50/p95 over 200 requests for a 60-seat library) through the gateway on loopback.
// Uses TEST_DATABASE_URL / REDIS_URL when set, else embedded PGlite.
import { startGateway } from '@studyspot/gateway';
import { createTestWorld } from '@studyspot/testkit';
import { csvOf, plusDays, setUpLibrary, today } from '../support/campus.ts';
import { gql, seedTenant } from '../support/supergraph.ts';
import { percentile } from '../support/clusters.ts';

const world = await createTestWorld();
const gateway = await startGateway(world.platform, 0);
const pct = (xs: number[], p: number) => percentile(xs, p).toFixed(1);
try {
  const a = await seedTenant(world, 'bench', []);
  const owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
  const lib = await setUpLibrary(gateway.url, owner, 60);
  const csv = csvOf(10_000);
  const IMPORT = 'mutation($csv: String!, $l: ID) { importStudents(csv: $csv, libraryId: $l) { created updated skipped } }';
  for (const label of ['first import (inserts)', 'same file again (updates)']) {
    const t0 = performance.now();
    const r = await gql(gateway.url, IMPORT, { token: owner, variables: { csv, l: lib.libraryId } });
    const ms = performance.now() - t0;
    console.log(`${label}: 10,000 rows in ${Math.round(ms)} ms = ${Math.round(10_000 / (ms / 1000))} rows/s ${JSON.stringify(r.data!.importStudents)} (CSV ${(csv.length / 1e6).toFixed(2)} MB)`);
  }
  const students = await world.platform.tenants.withTenant(a.id, (db) => db.student.findMany({ take: 45, select: { id: true } }));
  for (const [i, s] of students.entries()) {
    await gql(gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { userErrors { code } } }', {
      token: owner,
      variables: { i: { studentId: s.id, seatId: lib.seatIds[i], shiftId: i % 3 === 0 ? lib.shifts.fullDay : i % 3 === 1 ? lib.shifts.morning : lib.shifts.evening, startDate: today(), endDate: plusDays(today(), 29) } },
    });
  }
  const MAP = 'query($l: ID!, $d: Date!, $s: ID!) { seatMap(libraryId: $l, date: $d, shiftId: $s) { freeCount entries { seat { label zone } state occupant { name phone } allocation { endDate } } } }';
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const r = await gql(gateway.url, MAP, { token: owner, variables: { l: lib.libraryId, d: today(), s: lib.shifts.morning } });
    times.push(performance.now() - t0);
    if (r.errors) throw new Error(r.raw);
  }
  console.log(`seat map (60 seats, 45 allocations), 200 sequential: p50 ${pct(times, 50)} ms, p95 ${pct(times, 95)} ms (${world.db.server.kind})`);
} finally {
  await gateway.close();
  await world.close();
}
