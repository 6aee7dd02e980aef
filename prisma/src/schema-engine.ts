// Loads Prisma's WASM schema engine without --experimental-wasm-modules: the package imports its
// .wasm as an ES module, which Node 20 cannot do, so we instantiate it ourselves once per process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as SchemaEngineModule from '@prisma/schema-engine-wasm';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type EngineModule = typeof SchemaEngineModule & { __wbg_set_wasm(exports: unknown): void };

const require = createRequire(import.meta.url);
// @types/node does not declare the WebAssembly global; this is the one call we need.
const Wasm = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };
}).WebAssembly;
let loading: Promise<EngineModule> | undefined;

function loadEngineModule(): Promise<EngineModule> {
  loading ??= (async () => {
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import(bgPath)) as EngineModule;
    const bytes = await readFile(bgPath.replace(/\.js$/, '.wasm'));
    const { instance } = await Wasm.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bg;
  })();
  return loading;
}

/**
 * Migration scripts must run whole. adapter-pg's executeScript splits the script on every ";" (which
 * breaks dollar-quoted function bodies and even comments containing ";") and runs the pieces
 * outside a transaction; the PGlite adapter's does not await its exec, so a failing script goes
 * unnoticed. Both get an executeScript that sends the script as one simple-protocol query, which
 * PostgreSQL runs as one implicit transaction, as Prisma's native engine does.
 */
function wholeScripts<A extends SqlDriverAdapter>(adapter: A): A {
  const a = adapter as A & { client?: unknown; onError?: (e: unknown) => never };
  const client = a.client as { exec?: (sql: string) => Promise<unknown>; query?: (sql: string) => Promise<unknown> } | undefined;
  const run = client?.exec?.bind(client) ?? client?.query?.bind(client);
  if (!run) return adapter;
  a.executeScript = async (script: string) => {
    try {
      await run(script);
    } catch (e) {
      if (a.onError) a.onError(e);
      throw e;
    }
  };
  return adapter;
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Runs `fn` with a schema engine bound to one database, and frees the engine afterwards. */
export async function withSchemaEngine<T>(
  schema: { path: string; content: string },
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const mod = await loadEngineModule();
  // The engine does not dispose the adapters it connects when freed; track them and do it ourselves,
  // or their connections stay checked out of the pool.
  const connected: { dispose(): Promise<void> }[] = [];
  const track = <A extends SqlDriverAdapter>(a: A): A => {
    connected.push(a);
    return wholeScripts(a);
  };
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => track(await adapterFactory.connect()),
    connectToShadowDb: async () => track(await adapterFactory.connectToShadowDb()),
  };
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await Promise.all(connected.map((a) => a.dispose().catch(() => {})));
  }
}
