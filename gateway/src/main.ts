// `pnpm start`: the whole supergraph in one process. With no configuration it runs on embedded
// PGlite with in-process pub/sub and seeds a demo tenant; DATABASE_URL / REDIS_URL switch to servers.
import { performance } from 'node:perf_hooks';
import { coreTarget, describeTarget, migrateAllTenants, migrateCore } from '@studyspot/db';
import { ConfigError, createPlatform, loadConfig, requireDatabaseServer, runMain, stopInOrder } from '@studyspot/runtime';
import { createLogger, startObservability } from '@studyspot/runtime/observability';
import { startBillingSweeper } from '@studyspot/billing';
import { startCampusSweeper } from '@studyspot/campus';
import { startCampaignWorker, startSmsSweeper } from '@studyspot/communications';
import { startEngagementSweeper } from '@studyspot/engagement';
import { startInsightsSweeper } from '@studyspot/insights';
import { startGateway } from './gateway.ts';
import { connectDemoGateways, DEMO_SLUG, demoOwnerToken, readDemoLogins, seedDemo } from './seed.ts';

await runMain('studyspot', async () => {
  const config = loadConfig();
  if (config.subgraphMode === 'remote') requireDatabaseServer(config, 'the gateway calls subgraphs in other processes');
  const logger = createLogger('gateway');
  const stopObservability = await startObservability(config, 'studyspot-gateway');
  const dbVar = config.database.kind === 'postgres' ? 'DATABASE_URL' : 'STUDYSPOT_DATA_DIR';
  try {
    await migrateCore(config.database);
  } catch (err) {
    throw new ConfigError(dbVar, `cannot migrate core database ${describeTarget(coreTarget(config.database))}: ${(err as Error).message}`);
  }
  const platform = await createPlatform(config, logger);
  try {
    if (config.migrateTenantsOnStart !== false) {
      const reports = await migrateAllTenants(config.database, platform.core);
      for (const r of reports.filter((x) => x.error)) logger.error({ tenant: r.slug, error: r.error }, 'tenant migration failed');
    }
    const seeded = config.seedDemo && (await seedDemo(platform));
    const server = await startGateway(platform);
    if (seeded) await connectDemoGateways(platform, server.simulators);
    // In the one-process layout the gateway process also runs the subgraphs' background sweeps.
    // BACKGROUND_WORK=0: a worker process (processes/worker.ts) runs it instead.
    const sweepers = config.subgraphMode === 'local' && process.env.BACKGROUND_WORK !== '0' ? [startCampusSweeper(platform), startBillingSweeper(platform), startSmsSweeper(platform), startCampaignWorker(platform), startEngagementSweeper(platform), startInsightsSweeper(platform)] : [];
    const stopSweeper = async () => void (await Promise.all(sweepers.map((stop) => stop())));
    const mode = `${config.database.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}, ${platform.events.kind} events, ${config.subgraphMode} subgraphs`;
    console.log(`\nStudySpot supergraph ready at ${server.url} (${mode}) in ${Math.round(performance.now())} ms`);
    if (!config.production) await printDevAccess(platform, seeded, server.url);
    return stopInOrder({ background: stopSweeper, server, platform, observability: stopObservability, drainMs: config.shutdownDrainMs });
  } catch (err) {
    await stopInOrder({ platform, observability: stopObservability })();
    throw err;
  }
});

async function printDevAccess(platform: Awaited<ReturnType<typeof createPlatform>>, seeded: boolean, url: string) {
  const logins = readDemoLogins(platform);
  const demo = await platform.core.tenant.findUnique({ where: { slug: DEMO_SLUG } });
  if (!logins || !demo) {
    const why = platform.config.seedDemo ? 'the core database already had tenants when this data directory first met it' : 'SEED_DEMO=1 seeds one on an empty core database';
    console.log(`No demo logins here (${why}). A token for any role: pnpm run token --role SUPER_ADMIN (or --role OWNER --tenant <id>)\n`);
    return;
  }
  if (seeded) console.log(`Seeded demo tenant "${demo.name}" (${demo.id}).`);
  console.log('Demo logins (generated on first run, kept in .data/demo-logins.json):');
  console.log(`  SUPER_ADMIN  mutation { login(input: { email: "${logins.admin.email}", password: "${logins.admin.password}" }) { accessToken } }`);
  console.log(`  OWNER        mutation { login(input: { email: "${logins.owner.email}", password: "${logins.owner.password}" }) { accessToken } }`);
  console.log(`  STUDENT      mutation { requestOtp(input: { tenantSlug: "${logins.tenantSlug}", phone: "${logins.studentPhones[0]}" }) { expiresInSeconds } }  (the code is logged)`);
  const token = await demoOwnerToken(platform);
  if (token) console.log(`Dev token (12 h), already in the explorer's Headers tab at ${url}; elsewhere send "Authorization: Bearer <token>":\n  OWNER of ${DEMO_SLUG}: ${token}`);
  console.log(`More: pnpm run token --role STAFF --tenant ${demo.id}\n`);
}
