// `pnpm db:generate`: generates both Prisma clients. Generation never runs the schema engine, but the
// CLI insists that an engine binary exists and would download one; on a machine that cannot reach
// Prisma's binary host, pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies the check.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
for (const kind of ['core', 'tenant']) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', join(here, '..', kind, 'schema.prisma')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  shareQueryCompilerModule(join(here, '..', kind, 'generated', 'internal', 'class.ts'));
  console.log(`generated ${kind} client`);
}

/**
 * The generated client decodes and compiles Prisma's query-compiler WebAssembly (several MB) again
 * for every PrismaClient. We open one client per tenant database, so the compiled module is made
 * once per process and shared (each client still has its own instance).
 */
function shareQueryCompilerModule(file: string) {
  const source = readFileSync(file, 'utf8');
  const from = /getQueryCompilerWasmModule: async \(\) => \{\n(\s+const \{ wasm \} = await import\([^)]+\)\n\s+return await decodeBase64AsWasm\(wasm\)\n)\s+\},/;
  if (!from.test(source)) throw new Error(`${file}: the query compiler loader changed; update shareQueryCompilerModule`);
  const shared = source
    .replace(from, (_m, body: string) => `getQueryCompilerWasmModule: () => (compiledQueryCompiler ??= (async () => {\n${body}  })()),`)
    .replace('config.compilerWasm = {', 'let compiledQueryCompiler: Promise<WebAssembly.Module> | undefined\nconfig.compilerWasm = {');
  writeFileSync(file, shared);
}
