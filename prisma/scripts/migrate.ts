// `pnpm db:migrate [--all] [--concurrency N] [--limit N]`: the migration job. Applies pending core migrations,
// then pending tenant migrations to the tenants behind (every tenant's own bookkeeping with --all),
// N at a time per database server (default 4), reporting each with its time and a final summary;
// `--limit N` migrates only the first N tenants behind (a canary batch; the next run goes on).
// Safe to run twice and resumable: each tenant's version is recorded as it finishes, so a run that
// crashed is continued by the next. Embedded mode: stop `pnpm start` first (a PGlite directory can
// be opened by one process at a time).
import { openCoreClient } from '../src/clients.ts';
import { coreTarget, databaseServerFromEnv, migrateAllTenants, migrateCore } from '../src/databases.ts';
import { describeTarget } from '../src/targets.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const all = args.includes('--all');
const n = Number(args[args.indexOf('--concurrency') + 1] ?? 4);
const concurrency = args.includes('--concurrency') && Number.isInteger(n) && n >= 1 && n <= 64 ? n : 4;
const l = Number(args[args.indexOf('--limit') + 1]);
const limit = args.includes('--limit') && Number.isInteger(l) && l >= 1 ? l : undefined;
const server = databaseServerFromEnv();
const target = coreTarget(server);
try {
  const applied = await migrateCore(server);
  console.log(`core ${describeTarget(target)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  const core = await openCoreClient(target, { poolMax: 2 });
  try {
    const started = performance.now();
    let done = 0;
    const reports = await migrateAllTenants(server, core.prisma, {
      all,
      concurrency,
      limit,
      onReport: (r) =>
        console.log(`[${++done}] tenant ${r.slug} (${r.server}, ${r.ms} ms): ${r.error ? `FAILED ${r.error}` : r.applied.length ? `applied ${r.applied.join(', ')}` : 'up to date'}`),
    });
    const failed = reports.filter((r) => r.error).length;
    const ms = reports.map((r) => r.ms).sort((a, b) => a - b);
    const wall = Math.round(performance.now() - started);
    console.log(`${reports.length} tenant database(s) in ${wall} ms (${concurrency} at a time per server; per tenant median ${ms[Math.floor(ms.length / 2)] ?? 0} ms, max ${ms.at(-1) ?? 0} ms), ${failed} failed${failed ? ' — run again to retry them' : ''}`);
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
