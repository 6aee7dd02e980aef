// `pnpm bench:identity`: sign-in latency and tenant provisioning time through the gateway over HTTP
// (loopback). Uses TEST_DATABASE_URL / REDIS_URL when set, else embedded PGlite. Bounded: 100 sign-ins,
// 100 refreshes, 10 tenants.
import { randomUUID } from 'node:crypto';
import { startGateway } from '@studyspot/gateway';
import { createTestWorld } from '@studyspot/testkit';
import { gql } from '../support/supergraph.ts';
import { percentile } from '../support/clusters.ts';

const world = await createTestWorld({ trustProxy: true });
const gateway = await startGateway(world.platform, 0);
const pct = (xs: number[], p: number) => percentile(xs, p).toFixed(1);
try {
  const admin = world.token({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null });
  const provision: number[] = [];
  let ownerPassword = '';
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = await gql(gateway.url, `mutation { createTenant(input: { name: "Bench ${i}", slug: "bench-${i}", owner: { name: "Owner", email: "owner${i}@bench.test" } }) { tenant { status } ownerInitialPassword userErrors { code } } }`, { token: admin });
    provision.push(performance.now() - t0);
    const p = r.data!.createTenant as { tenant: { status: string }; ownerInitialPassword: string };
    if (p.tenant.status !== 'ACTIVE') throw new Error(r.raw);
    if (i === 0) ownerPassword = p.ownerInitialPassword;
  }
  const LOGIN = 'mutation($p: String!) { login(input: { email: "owner0@bench.test", password: $p }) { refreshToken userErrors { code } } }';
  const logins: number[] = [];
  let refresh = '';
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const r = await gql(gateway.url, LOGIN, { variables: { p: ownerPassword }, headers: { 'x-forwarded-for': `10.1.${i}.1` } });
    logins.push(performance.now() - t0);
    refresh = (r.data!.login as { refreshToken: string }).refreshToken;
  }
  const refreshes: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const r = await gql(gateway.url, 'mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken userErrors { code } } }', { variables: { t: refresh } });
    refreshes.push(performance.now() - t0);
    refresh = (r.data!.refreshSession as { refreshToken: string }).refreshToken;
  }
  const db = world.db.server.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  console.log(`database: ${db}, events/limits: ${world.platform.events.kind}`);
  console.log(`provision tenant (row + database + migrations + owner), 10 sequential: p50 ${pct(provision, 50)} ms, max ${pct(provision, 100)} ms`);
  console.log(`password sign-in (argon2id m=19MiB t=2), 100 sequential: p50 ${pct(logins, 50)} ms, p95 ${pct(logins, 95)} ms`);
  console.log(`refresh rotation, 100 sequential: p50 ${pct(refreshes, 50)} ms, p95 ${pct(refreshes, 95)} ms`);
  console.log(`sign-in / refresh p50 ratio: ${(Number(pct(logins, 50)) / Number(pct(refreshes, 50))).toFixed(1)} (the argon2 cost)`);
} finally {
  await gateway.close();
  await world.close();
}
