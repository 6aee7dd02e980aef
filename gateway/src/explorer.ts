// The API explorer: GraphiQL 3 (gateway/explorer/app.ts) served by the gateway itself, so it works
// with no internet, at GET /graphql for a browser (a request that accepts HTML and carries no query)
// and at /explorer. Its script and stylesheet are bundled from the gateway's own packages with
// esbuild on first request and kept in memory; nothing is fetched from a CDN. Outside production a
// browser on this machine gets the page with a 12-hour token of the demo owner in its Headers tab;
// in production (or from another machine) the tab is empty (paste a token), and anonymous
// introspection stays refused in production. A link opens Apollo Sandbox
// (studio.apollographql.com), which needs the internet, on this endpoint.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Platform } from '@studyspot/runtime';
import { build } from 'esbuild';
import { Router, type Request } from 'express';
import { demoOwnerToken } from './seed.ts';

const DIR = fileURLToPath(new URL('../explorer/', import.meta.url));

const DEFAULT_QUERY = `# The StudySpot API. Docs: the book icon on the left; history and headers below.
# Outside production the Headers tab holds a token of the demo owner.
query Overview {
  me { name role }
  currentTenant {
    name
    libraries(first: 5) { edges { node { name seatCount } } }
  }
}
`;

/** A browser asking for the page: GET, HTML preferred over JSON, and no GraphQL query in the URL. */
export function wantsExplorer(req: Request): boolean {
  return req.method === 'GET' && req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/**
 * Whether the page may carry the demo owner's token: outside production, and only to a browser on
 * this machine (the connection's own address, not X-Forwarded-For), so a development server opened to
 * the network with HOST=0.0.0.0 does not hand an owner's token to anyone who can reach it. (Also
 * who may ask for bench:live's heap collection, /_live/gc.)
 */
export function mayPrefillToken(production: boolean, req: Pick<Request, 'socket'>): boolean {
  return !production && ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '');
}

/** JSON inside <script type="application/json">: nothing in it can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function explorerRouter(platform: Platform): { router: Router; page: (req: Request) => Promise<string> } {
  const html = readFileSync(`${DIR}index.html`, 'utf8');
  let bundle: Promise<{ js: string; css: string }> | null = null;
  const assets = () =>
    (bundle ??= build({
      entryPoints: [`${DIR}app.ts`],
      bundle: true,
      write: false,
      outdir: '/explorer',
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    }).then((r) => ({ js: r.outputFiles.find((f) => f.path.endsWith('.js'))!.text, css: r.outputFiles.find((f) => f.path.endsWith('.css'))!.text })));

  const page = async (req: Request) => {
    const local = mayPrefillToken(platform.config.production, req);
    const token = local ? await demoOwnerToken(platform) : null;
    const endpoint = `${req.protocol}://${req.get('host')}/graphql`;
    const note = !local
      ? 'Paste a token in the Headers tab: {"Authorization": "Bearer …"}'
      : token
        ? 'Signed in as the demo owner (Headers tab).'
        : 'No demo tenant here: pnpm run token --role … gives a token for the Headers tab.';
    return html
      .replace('<!--CONFIG-->', scriptJson({ headers: token ? { Authorization: `Bearer ${token}` } : {}, defaultQuery: DEFAULT_QUERY }))
      .replace('<!--NOTE-->', esc(note))
      .replace('<!--SANDBOX-->', esc(`https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(endpoint)}`));
  };

  const router = Router();
  router.get('/', async (req, res) => void res.type('html').set('Cache-Control', 'no-store').send(await page(req)));
  for (const [path, kind] of [['/app.js', 'js'], ['/app.css', 'css']] as const) {
    router.get(path, async (_req, res) => {
      try {
        const a = await assets();
        res.type(kind === 'js' ? 'application/javascript' : 'text/css').set('Cache-Control', 'no-cache').send(a[kind]);
      } catch (err) {
        bundle = null;
        platform.logger.error({ err }, 'cannot bundle the explorer');
        res.status(500).type('text/plain').send('The explorer could not be built; see the server log.');
      }
    });
  }
  return { router, page };
}
