// Campaigns on the job queue (BullMQ on the test Redis when REDIS_URL is set, the in-process runner
// otherwise) against the MSG91 simulator: 1,000 overdue-fee reminders, credits once per part, a report
// for every message, MSG91 5xx retried, duplicate reports harmless, a worker stopped mid-run and
// another resuming it without sending anything twice; cancelling; throttling.
import { randomUUID } from 'node:crypto';
import { startMsg91Simulator } from '@studyspot/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignWorker } from '../subgraphs/communications/src/campaigns/queue.ts';
import { csvOf, setUpLibrary } from './support/campus.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let sim: Awaited<ReturnType<typeof startMsg91Simulator>>;
let owner: string;
let templateId: string;
let libraryId: string;
const stops: (() => Promise<void>)[] = [];
const reportToken = randomUUID() + randomUUID();

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  sim = await startMsg91Simulator();
  w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp', reportToken, timeoutMs: 1_000 };
  sim.state.reportUrl = `${w.gateway.url.replace(/\/graphql$/, '')}/webhooks/msg91/${reportToken}`;
  owner = w.ownerToken(w.a);
  const admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
  await gql(w.gateway.url, 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 100000, costPaise: 1500000, idempotencyKey: "campaign-stock" }) { userErrors { code } } }', { token: admin });
  await gql(w.gateway.url, 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 5000, idempotencyKey: "campaign-grant" }) { userErrors { code } } }', { token: admin, variables: { t: w.a.id } });
  const lib = await setUpLibrary(w.gateway.url, owner, 4, 'Campaign branch');
  libraryId = lib.libraryId;
  const imp = await gql(w.gateway.url, 'mutation($c: String!, $l: ID) { importStudents(csv: $c, libraryId: $l) { created userErrors { code } } }', { token: owner, variables: { c: csvOf(1_000, 7_000), l: libraryId } });
  expect((imp.data!.importStudents as { created: number }).created).toBe(1_000);
  const s = await gql(w.gateway.url, 'mutation { createSmsSender(header: "SUNRSE") { sender { id } } }', { token: owner });
  const senderId = (s.data!.createSmsSender as { sender: { id: string } }).sender.id;
  const t = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: owner, variables: { i: { name: 'reminder', senderId, dltTemplateId: 'dlt-reminder', msg91TemplateId: 'm91-reminder', category: 'SERVICE_IMPLICIT', body: 'Dear {#var#}, please visit the desk about your fees of Rs {#var#}. -SUNRISE' } } });
  templateId = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
  await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { id } } }', { token: owner, variables: { id: templateId } });
}, 120_000);

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => {});
  await sim?.close();
  await w?.close();
});

const CREATE = 'mutation($i: CampaignInput!) { createCampaign(input: $i) { campaign { id status } userErrors { code message } } }';
const PROGRESS = 'query($id: ID!) { campaign(id: $id) { status progress { recipients pending sent failed skipped } } }';
type Progress = { status: string; progress: { recipients: number; pending: number; sent: number; failed: number; skipped: number } };
const progress = async (id: string) => (await gql(w.gateway.url, PROGRESS, { token: owner, variables: { id } })).data!.campaign as Progress;
const until = async (ok: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await ok()) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  return ok();
};
const wallet = async () => ((await gql(w.gateway.url, '{ currentTenant { wallet { balance held } } }', { token: owner })).data!.currentTenant as { wallet: { balance: number; held: number } }).wallet;

describe('campaigns', () => {
  it('sends 1,000 messages once each, across a worker stopped mid-run and another resuming, with MSG91 failing now and then', async () => {
    const first = startCampaignWorker(w.world.platform, { stalledIntervalMs: 1_000 });
    const before = await wallet();
    const sentBefore = sim.state.sent.length;
    sim.state.reports.duplicates = 1;
    const r = await gql(w.gateway.url, CREATE, { token: owner, variables: { i: { name: 'Fee reminder', templateId, vars: ['{name}', '{balance}'], audience: { libraryId }, ratePerMinute: 6_000 } } });
    const id = ((r.data!.createCampaign as { campaign: { id: string } }).campaign).id;
    const t0 = Date.now();
    // MSG91 answers 503 for a moment: the client retries with backoff.
    setTimeout(() => (sim.state.mode = 'down'), 300);
    setTimeout(() => (sim.state.mode = 'up'), 450);
    expect(await until(async () => (await progress(id)).progress.sent >= 200, 60_000)).toBe(true);
    await first();
    const mid = await progress(id);
    expect(mid.status).toBe('RUNNING');
    expect(mid.progress.pending).toBeGreaterThan(0);
    const second = startCampaignWorker(w.world.platform, { stalledIntervalMs: 1_000 });
    stops.push(second);
    expect(await until(async () => (await progress(id)).status === 'COMPLETED', 120_000)).toBe(true);
    const took = Date.now() - t0;
    await sim.state.settled();
    const done = await progress(id);
    expect(done.progress).toMatchObject({ recipients: 1_000, pending: 0 });
    expect(done.progress.sent + done.progress.failed).toBe(1_000);
    // Exactly one MSG91 request per student that was sent; none twice.
    const requests = sim.state.sent.slice(sentBefore);
    const numbers = requests.map((x) => x.recipients[0]!.mobiles);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.length).toBe(done.progress.sent);
    // Credits: one per part of each message MSG91 accepted, none held.
    const messages = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.findMany({ where: { campaignId: id } }));
    const charged = messages.filter((m) => m.status === 'SENT' || m.status === 'DELIVERED').reduce((n, m) => n + m.credits, 0);
    expect(await wallet()).toEqual({ balance: before.balance - charged, held: 0 });
    expect(messages.filter((m) => m.status === 'DELIVERED')).toHaveLength(done.progress.sent);
    console.log(`[figures] campaign of 1,000 through the queue and the simulator, one worker stopped mid-run: ${took} ms, ${done.progress.sent} sent, ${done.progress.failed} failed, ${Math.round((done.progress.sent * 1000) / took)} messages/s`);
    sim.state.reports.duplicates = 0;
  }, 240_000);

  it('is cancelled by hand: nothing more is sent', async () => {
    const worker = startCampaignWorker(w.world.platform);
    stops.push(worker);
    const r = await gql(w.gateway.url, CREATE, { token: owner, variables: { i: { name: 'Slow one', templateId, vars: ['{name}', '{balance}'], audience: { libraryId }, ratePerMinute: 120 } } });
    const id = ((r.data!.createCampaign as { campaign: { id: string } }).campaign).id;
    expect(await until(async () => (await progress(id)).progress.sent >= 1, 20_000)).toBe(true);
    const c = await gql(w.gateway.url, 'mutation($id: ID!) { cancelCampaign(id: $id) { campaign { status } userErrors { code } } }', { token: owner, variables: { id } });
    expect(c.data).toEqual({ cancelCampaign: { campaign: { status: 'CANCELLED' }, userErrors: [] } });
    const at = (await progress(id)).progress.sent;
    await new Promise((res) => setTimeout(res, 1_500));
    const after = await progress(id);
    expect(after.progress.sent).toBeLessThanOrEqual(at + 1);
    expect(after.progress.skipped + after.progress.sent + after.progress.failed).toBe(after.progress.recipients);
  });

  it('refuses an unapproved template, a wrong variable count and a rate out of range', async () => {
    const bad = async (i: Record<string, unknown>) => ((await gql(w.gateway.url, CREATE, { token: owner, variables: { i: { name: 'x', templateId, vars: ['{name}', '{balance}'], audience: {}, ...i } } })).data!.createCampaign as { userErrors: { code: string }[] }).userErrors.map((e) => e.code);
    expect(await bad({ vars: ['{name}'] })).toEqual(['INVALID_INPUT']);
    expect(await bad({ ratePerMinute: 0 })).toEqual(['INVALID_INPUT']);
    expect(await bad({ templateId: randomUUID() })).toEqual(['NOT_FOUND']);
  });
});

describe('a worker killed mid-campaign', () => {
  it.skipIf(!process.env.REDIS_URL)('is replaced by another that finishes the job: every recipient handled, no number messaged twice', async () => {
    const { spawn } = await import('node:child_process');
    const cfg = w.world.config;
    if (cfg.database.kind !== 'postgres') return;
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/campaign-worker.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'silent',
        DATABASE_URL: cfg.database.coreUrl,
        REDIS_URL: cfg.redisUrl!,
        REDIS_KEY_PREFIX: cfg.redisKeyPrefix,
        TENANT_DB_PREFIX: cfg.tenantDatabasePrefix,
        GATEWAY_SECRET: cfg.gatewaySecret,
        JWT_KEYS: 'test:0123456789abcdef0123456789abcdef',
        MSG91_AUTH_KEY: cfg.sms!.authKey,
        MSG91_API_URL: cfg.sms!.apiUrl,
        MSG91_OTP_TEMPLATE_ID: 'otp',
        MSG91_REPORT_TOKEN: cfg.sms!.reportToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    try {
      for (let i = 0; i < 300 && !out.includes('campaign worker ready'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('campaign worker ready');
      // Only the child works on it: this process's workers are stopped.
      for (const stop of stops.splice(0)) await stop();
      const sentBefore = sim.state.sent.length;
      const r = await gql(w.gateway.url, CREATE, { token: owner, variables: { i: { name: 'Killed', templateId, vars: ['{name}', '{balance}'], audience: { libraryId }, ratePerMinute: 6_000 } } });
      const id = ((r.data!.createCampaign as { campaign: { id: string } }).campaign).id;
      expect(await until(async () => (await progress(id)).progress.sent >= 150, 60_000)).toBe(true);
      child.kill('SIGKILL');
      await new Promise((res) => child.once('exit', res));
      const at = await progress(id);
      expect(at.progress.pending).toBeGreaterThan(0);
      // A new worker here: the job's lock lapses (2 s) and it is taken up again.
      const next = startCampaignWorker(w.world.platform, { stalledIntervalMs: 1_000, lockDurationMs: 2_000 });
      stops.push(next);
      expect(await until(async () => (await progress(id)).status === 'COMPLETED', 120_000)).toBe(true);
      await sim.state.settled();
      const done = await progress(id);
      expect(done.progress.pending).toBe(0);
      expect(done.progress.sent + done.progress.failed + done.progress.skipped).toBe(done.progress.recipients);
      const numbers = sim.state.sent.slice(sentBefore).map((x) => x.recipients[0]!.mobiles);
      expect(new Set(numbers).size).toBe(numbers.length);
      console.log(`[figures] worker killed (SIGKILL) after ${at.progress.sent} of ${at.progress.recipients}; the job resumed elsewhere: ${done.progress.sent} sent, ${done.progress.failed} failed (interrupted mid-send, not resent), ${numbers.length} MSG91 requests, each number once`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 240_000);
});
