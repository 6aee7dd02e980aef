// The dashboard's pages: live occupancy at /dashboard and insights at /dashboard/insights — static
// pages and their scripts, bundled from gateway/dashboard/*.ts with esbuild on first request (kept in
// memory; the insights page bundles Apache ECharts, tree-shaken to the charts it draws). The scripts'
// operations come from GraphQL Code Generator (`pnpm codegen`, which `pnpm start` and `pnpm test` run).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Router } from 'express';

const DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));
const PAGES = [
  { path: ['/', ''], html: 'index.html', script: '/app.js', entry: 'app.ts' },
  { path: ['/insights'], html: 'insights.html', script: '/insights.js', entry: 'insights.ts' },
];

/** The pages' icon: a seat on StudySpot's blue. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#12355b"/><path d="M9 8h10a3 3 0 0 1 3 3v7H9z" fill="#fff"/><rect x="7" y="18" width="18" height="4" rx="1.5" fill="#f4d58d"/><path d="M10 22v5M22 22v5" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>`;

export function dashboardRouter(logger: { error(o: object, m: string): void }): Router {
  const router = Router();
  router.get('/favicon.svg', (_req, res) => void res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON));
  for (const p of PAGES) {
    let bundle: Promise<string> | null = null;
    const page = readFileSync(`${DIR}${p.html}`, 'utf8');
    router.get(p.path, (_req, res) => void res.type('html').set('Cache-Control', 'no-store').send(page));
    router.get(p.script, async (_req, res) => {
      if (!existsSync(`${DIR}generated/graphql.ts`)) {
        res.status(503).type('text/plain').send('The dashboard needs its typed operations: run `pnpm codegen`.');
        return;
      }
      bundle ??= build({ entryPoints: [`${DIR}${p.entry}`], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2020', minify: true, logLevel: 'silent' }).then((r) => r.outputFiles[0]!.text);
      try {
        res.type('application/javascript').set('Cache-Control', 'no-cache').send(await bundle);
      } catch (err) {
        bundle = null;
        logger.error({ err }, 'cannot bundle the dashboard');
        res.status(500).type('text/plain').send('The dashboard could not be built; see the server log.');
      }
    });
  }
  return router;
}
