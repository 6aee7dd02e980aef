/* global process, console, performance */
// Compiles the supergraph's entry points to plain JavaScript (gateway/dist/), so the production path
// runs no TypeScript loader: no transform at start, no source-map work when an error's stack is read.
// Our workspace code (@studyspot/*, the generated Prisma clients) is bundled; every other package stays
// external and is imported from the exact file Node's ESM resolution would pick from the importing
// package, so a module (graphql above all) is one instance whoever imports it.
// `import.meta.url` in our files is rewritten to the source file's location relative to the bundle,
// so SDL files, migrations and the dashboard are found where they are in the checkout.
//
//   node gateway/scripts/build.mjs            builds gateway/dist/{gateway,identity,…}.js
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const GATEWAY = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(GATEWAY, '..');
const OUT = join(GATEWAY, 'dist');
const SUBGRAPHS = ['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights'];

const entryPoints = [
  { in: join(GATEWAY, 'src/main.ts'), out: 'gateway' },
  { in: join(GATEWAY, 'src/processes/worker.ts'), out: 'worker' },
  ...SUBGRAPHS.map((name) => ({ in: join(GATEWAY, 'src/processes', `${name}.ts`), out: name })),
];

const ours = (path) => path.startsWith(ROOT) && !path.includes(`${'/'}node_modules${'/'}`);

/** @type {import('esbuild').Plugin} */
const layout = {
  name: 'studyspot-layout',
  setup(b) {
    // Bare imports of third-party packages: external, at the file ESM resolution picks from the importer.
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@studyspot/') || args.path.startsWith('node:') || args.pluginData === 'inner') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      if (r.errors.length) return { errors: r.errors };
      if (!r.path || r.external) return { path: args.path, external: true };
      return { path: pathToFileURL(r.path).href, external: true };
    });
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!ours(args.path)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' };
      const rel = relative(OUT, args.path).split('\\').join('/');
      const relDir = relative(OUT, dirname(args.path)).split('\\').join('/');
      const contents = source
        .replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`)
        .replaceAll('import.meta.dirname', `decodeURIComponent(new URL(${JSON.stringify(`${relDir}/`)}, import.meta.url).pathname).replace(/\\/$/, '')`);
      return { contents, loader: 'ts' };
    });
  },
};

const started = performance.now();
await build({
  entryPoints,
  outdir: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [layout],
  logLevel: 'warning',
  legalComments: 'none',
});
if (process.env.BUILD_QUIET !== '1') console.log(`built ${entryPoints.length} entry points into ${relative(ROOT, OUT)}/ in ${Math.round(performance.now() - started)} ms`);
