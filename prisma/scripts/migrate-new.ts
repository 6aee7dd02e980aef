// `pnpm db:migrate:new <name> --core|--tenant`: writes a new migration from the schema diff.
// No database server is needed (the shadow database is an in-memory PGlite).
import { createMigration, schemaLocation } from '../src/migrations.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const kinds = (['core', 'tenant'] as const).filter((k) => args.includes(`--${k}`));
const name = args.find((a) => !a.startsWith('--'));
if (!name || kinds.length !== 1) {
  console.error('usage: pnpm db:migrate:new <name> --core|--tenant');
  process.exit(2);
}
const created = await createMigration(schemaLocation(kinds[0]!), name);
if (!created) {
  console.log(`${kinds[0]}: schema.prisma matches the migrations; nothing to write`);
} else {
  console.log(`${kinds[0]}: wrote ${created.path}/migration.sql\n${created.sql}`);
}
// The WASM schema engine leaves a timer behind; do not wait for it.
process.exit();
