// `pnpm db:move-tenant <tenant slug or id> <server name> [--method DUMP|LOGICAL]`: moves one tenant's
// database to another server of the placement map, online (prisma/src/tenant-move.ts), printing each
// step and the figures. Other processes hear of the flip over the event bus (REDIS_URL) and send the
// tenant's next request to the new server; without the bus they find out within a second (the
// location cache's trust). Exit code 0 when moved, 1 when refused or rolled back (the tenant stays).
import { parseArgs } from 'node:util';
import { startTenantMove, type MoveMethod } from '@studyspot/db';
import { ConfigError, createPlatform, loadConfig, requireDatabaseServer, topics } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { method: { type: 'string' } } });
const [tenantArg, serverArg] = positionals;
const method = values.method?.toUpperCase();
if (!tenantArg || !serverArg || (method && method !== 'DUMP' && method !== 'LOGICAL')) {
  console.error('usage: pnpm db:move-tenant <tenant slug or id> <server name> [--method DUMP|LOGICAL]');
  process.exit(2);
}

let code = 1;
try {
  const config = loadConfig();
  requireDatabaseServer(config, 'moving a tenant');
  const platform = await createPlatform(config, createLogger('move-tenant'));
  try {
    const core = platform.core;
    const isId = /^[0-9a-f-]{36}$/i.test(tenantArg);
    const tenant = await core.tenant.findFirst({ where: isId ? { id: tenantArg } : { slug: tenantArg }, select: { id: true, slug: true } });
    const server = await core.databaseServer.findUnique({ where: { name: serverArg }, select: { id: true, name: true } });
    if (!tenant) console.error(`move-tenant: no tenant ${tenantArg}`);
    else if (!server) console.error(`move-tenant: no database server named ${serverArg}`);
    else {
      const t0 = performance.now();
      const started = await startTenantMove(config.database, core, {
        tenantId: tenant.id,
        toServerId: server.id,
        method: method as MoveMethod | undefined,
        logicalMinBytes: config.moveLogicalMinBytes,
        onStep: (step, detail) => console.log(`move-tenant: ${tenant.slug}: ${step}${detail?.method ? ` (${String(detail.method)})` : ''} at ${Math.round(performance.now() - t0)} ms`),
        onFlipped: async (tenantId) => {
          platform.tenants.invalidate(tenantId);
          await platform.events.publish(topics.tenants, { type: 'TENANT_MOVED', tenantId, serverId: server.id });
        },
      });
      if ('refused' in started) console.error(`move-tenant: refused (${started.refused}): ${started.message}`);
      else {
        const outcome = await started.done;
        if (outcome.ok) {
          const r = outcome.report;
          console.log(`move-tenant: ${tenant.slug} is on ${server.name}: ${r.method} (${r.reason}); ${r.rows} rows, writes paused ${r.pauseMs} ms, copy ${r.copyMs} ms, whole move ${r.totalMs} ms, ${r.endedConnections} connections ended at the flip`);
          for (const l of r.leftovers) console.warn(`move-tenant: left behind: ${l}`);
          code = 0;
        } else console.error(`move-tenant: rolled back at ${outcome.step}; ${tenant.slug} stays where it was: ${outcome.error}`);
      }
    }
  } finally {
    await platform.close();
  }
} catch (err) {
  console.error(`move-tenant: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
}
process.exit(code);
