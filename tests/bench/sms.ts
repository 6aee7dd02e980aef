// `pnpm bench:sms`: communications' costs on real PostgreSQL/Redis (TEST_DATABASE_URL / REDIS_URL when
// set, else embedded), each against a baseline measured in the same run:
// - credits: reserve + commit of one message's credits, p50/p99, against a bare core-database round trip;
// - a 1,000-recipient campaign through the job queue to the MSG91 simulator: messages per second,
//   against our MSG91 client sending the same 1,000 directly (what the pipeline adds: DLT checks,
//   credits, message rows, recipients, in-app notes).
import { randomUUID } from 'node:crypto';
import { Msg91Client } from '@studyspot/runtime/msg91';
import { startMsg91Simulator } from '@studyspot/simulators';
import { creditsPort } from '../../subgraphs/billing/src/credits/port.ts';
import { startCampaignWorker } from '../../subgraphs/communications/src/campaigns/queue.ts';
import { csvOf, setUpLibrary } from '../support/campus.ts';
import { createSupergraphWorld, gql } from '../support/supergraph.ts';
import { percentile as pct } from '../support/clusters.ts';

const ms = (x: number) => `${x.toFixed(2)} ms`;

const w = await createSupergraphWorld({ trustProxy: true });
const sim = await startMsg91Simulator();
const token = randomUUID() + randomUUID();
w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp', reportToken: token, timeoutMs: 2_000 };
sim.state.reportUrl = `${w.gateway.url.replace(/\/graphql$/, '')}/webhooks/msg91/${token}`;
const stop = startCampaignWorker(w.world.platform);
try {
  const admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
  await gql(w.gateway.url, 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 100000, costPaise: 1500000, idempotencyKey: "bench-stock" }) { userErrors { code } } }', { token: admin });
  await gql(w.gateway.url, 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 20000, idempotencyKey: "bench-grant" }) { userErrors { code } } }', { token: admin, variables: { t: w.a.id } });

  // Credits.
  const port = creditsPort(w.world.platform);
  const bare: number[] = [];
  const pair: number[] = [];
  for (let i = 0; i < 500; i++) {
    let t0 = performance.now();
    await w.world.platform.core.$queryRaw`SELECT 1`;
    bare.push(performance.now() - t0);
    t0 = performance.now();
    const r = await port.reserve({ tenantId: w.a.id, credits: 1, idempotencyKey: `bench-${i}-${randomUUID()}` });
    if ('error' in r) throw new Error(r.message);
    await port.commit(r.id);
    pair.push(performance.now() - t0);
  }
  console.log(`credits reserve + commit: p50 ${ms(pct(pair, 50))} p99 ${ms(pct(pair, 99))}; bare core round trip p50 ${ms(pct(bare, 50))} (${(pct(pair, 50) / pct(bare, 50)).toFixed(1)}×)`);

  // The direct baseline: 1,000 sends with our client.
  const client = new Msg91Client(w.world.platform.config.sms!);
  let t0 = performance.now();
  for (let i = 0; i < 1_000; i++) await client.sendFlow('bench', [{ mobiles: `9198${String(i).padStart(8, '0')}`, var1: 'x' }]);
  const direct = 1_000 / ((performance.now() - t0) / 1000);

  // The campaign.
  const owner = w.ownerToken(w.a);
  const lib = await setUpLibrary(w.gateway.url, owner, 4, 'Bench branch');
  await gql(w.gateway.url, 'mutation($c: String!, $l: ID) { importStudents(csv: $c, libraryId: $l) { created } }', { token: owner, variables: { c: csvOf(1_000, 30_000), l: lib.libraryId } });
  const s = await gql(w.gateway.url, 'mutation { createSmsSender(header: "BENCHS") { sender { id } } }', { token: owner });
  const senderId = (s.data!.createSmsSender as { sender: { id: string } }).sender.id;
  const t = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: owner, variables: { i: { name: 'bench', senderId, dltTemplateId: 'dlt-bench', msg91TemplateId: 'm91-bench', category: 'SERVICE_IMPLICIT', body: 'Dear {#var#}, see the desk. -BENCH' } } });
  const templateId = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
  await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { id } } }', { token: owner, variables: { id: templateId } });
  t0 = performance.now();
  const c = await gql(w.gateway.url, 'mutation($i: CampaignInput!) { createCampaign(input: $i) { campaign { id } } }', { token: owner, variables: { i: { name: 'bench', templateId, vars: ['{name}'], audience: { libraryId: lib.libraryId }, ratePerMinute: 6_000 } } });
  const id = (c.data!.createCampaign as { campaign: { id: string } }).campaign.id;
  for (;;) {
    const p = (await gql(w.gateway.url, 'query($id: ID!) { campaign(id: $id) { status progress { sent } } }', { token: owner, variables: { id } })).data!.campaign as { status: string; progress: { sent: number } };
    if (p.status === 'COMPLETED') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const secs = (performance.now() - t0) / 1000;
  const rate = 1_000 / secs;
  console.log(`campaign of 1,000 through the queue: ${secs.toFixed(1)} s, ${rate.toFixed(0)} messages/s (throttle set to 6,000 a minute = 100/s); direct client sends: ${direct.toFixed(0)}/s (${(rate / direct).toFixed(2)}×)`);
} finally {
  await stop();
  await sim.close();
  await w.close();
}
