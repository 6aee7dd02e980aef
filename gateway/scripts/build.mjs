/* global process, console, performance */
// Compiles the supergraph's entry points to plain JavaScript (gateway/dist/), so the production path
// runs no TypeScript loader: no transform at start, no source-map work when an error's stack is read.
// Our workspace code (@studyspot/*, the generated Prisma clients) is bundled; every other package stays
// external and is imported from the exact file Node's ESM resolution would pick from the importing
// package, so a module (graphql above all) is one instance whoever imports it.
// `import.meta.url` in our files is rewritten to the source file's location relative to the bundle,
// so SDL files, migrations and the dashboard are found where they are in the checkout.
//
// A build is skipped when nothing it read has changed: the last build records every input esbuild
// read (its metafile) with size and modification time, plus this script and the lockfile (which pick
// the external packages' files); a start on an unchanged checkout pays one stat per input (~10 ms).
//
//   node gateway/scripts/build.mjs            builds gateway/dist/{gateway,identity,…}.js if stale
//   node gateway/scripts/build.mjs --force    builds regardless
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
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

const STAMP = join(OUT, '.inputs.json');
const ALWAYS = [fileURLToPath(import.meta.url), join(ROOT, 'pnpm-lock.yaml')];

/** One line per input: path, size and modification time (a missing file reads as "gone"). */
function fingerprint(paths) {
  const hash = createHash('sha256');
  for (const path of paths) {
    try {
      const st = statSync(path);
      hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
    } catch {
      hash.update(`${path}\0gone\n`);
    }
  }
  return hash.digest('hex');
}

function upToDate() {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    const outputs = entryPoints.every((e) => statSync(join(OUT, `${e.out}.js`)).isFile());
    return outputs && stamp.fingerprint === fingerprint(stamp.inputs) ? stamp.inputs.length : 0;
  } catch {
    return 0;
  }
}

const started = performance.now();
const unchanged = process.argv.includes('--force') ? 0 : upToDate();
if (unchanged) {
  if (process.env.BUILD_QUIET !== '1') console.log(`${relative(ROOT, OUT)}/ is up to date (${unchanged} inputs unchanged, checked in ${Math.round(performance.now() - started)} ms)`);
  process.exit(0);
}
const result = await build({
  entryPoints,
  outdir: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [layout],
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
});
const inputs = [...ALWAYS, ...Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('file:')).map((p) => resolve(ROOT, p))];
writeFileSync(STAMP, JSON.stringify({ fingerprint: fingerprint(inputs), inputs }));
if (process.env.BUILD_QUIET !== '1') console.log(`built ${entryPoints.length} entry points into ${relative(ROOT, OUT)}/ in ${Math.round(performance.now() - started)} ms`);
