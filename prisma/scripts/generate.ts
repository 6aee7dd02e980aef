// `pnpm db:generate`: generates both Prisma clients. Generation never runs the schema engine, but the
// CLI insists that an engine binary exists and would download one; on a machine that cannot reach
// Prisma's binary host, pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies the check.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
for (const kind of ['core', 'tenant']) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', join(here, '..', kind, 'schema.prisma')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`generated ${kind} client`);
}
