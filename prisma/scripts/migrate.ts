// `pnpm db:migrate`: applies pending core migrations, then pending tenant migrations to every tenant
// database, reporting each. Safe to run twice. Embedded mode: stop `pnpm start` first (a PGlite
// directory can be opened by one process at a time).
import { openCoreClient } from '../src/clients.ts';
import { coreTarget, databaseServerFromEnv, migrateAllTenants, migrateCore } from '../src/databases.ts';
import { describeTarget } from '../src/targets.ts';

const server = databaseServerFromEnv();
const target = coreTarget(server);
try {
  const applied = await migrateCore(server);
  console.log(`core ${describeTarget(target)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  const core = await openCoreClient(target, { poolMax: 2 });
  try {
    const reports = await migrateAllTenants(server, core.prisma, {
      all: true,
      onReport: (r) =>
        console.log(`tenant ${r.slug}: ${r.error ? `FAILED ${r.error}` : r.applied.length ? `applied ${r.applied.join(', ')}` : 'up to date'}`),
    });
    const failed = reports.filter((r) => r.error).length;
    console.log(`${reports.length} tenant database(s), ${failed} failed`);
    if (failed) process.exitCode = 1;
  } finally {
    await core.close();
  }
} catch (err) {
  console.error(`db:migrate: ${server.kind === 'postgres' ? 'DATABASE_URL' : 'STUDYSPOT_DATA_DIR'}: ${(err as Error).message}`);
  process.exitCode = 1;
}
// The WASM schema engine leaves a 10 s timer behind after applying migrations; do not wait for it.
process.exit();
