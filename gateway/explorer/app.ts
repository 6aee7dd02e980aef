// The explorer served at GET /graphql (and /explorer): GraphiQL 3 from the gateway's own packages,
// bundled by esbuild on first request, so it works with no internet. Queries and mutations go over
// HTTP, subscriptions over graphql-ws on the same path; the Authorization header in the Headers tab
// is sent with both (the socket reconnects when it changes). Outside production the page arrives
// with a 12-hour token of the demo owner in that tab (gateway/src/explorer.ts).
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

interface ExplorerConfig {
  /** Prefilled headers (outside production: the demo owner's token). */
  headers: Record<string, string>;
  defaultQuery: string;
}

const config = JSON.parse(document.getElementById('explorer-config')!.textContent!) as ExplorerConfig;
const url = `${location.origin}${location.pathname.startsWith('/graphql') ? location.pathname : '/graphql'}`;

let authorization = config.headers.Authorization ?? '';
const ws = createClient({
  url: url.replace(/^http/, 'ws'),
  lazy: true,
  connectionParams: () => (authorization ? { authorization } : {}),
});
const inner = createGraphiQLFetcher({ url, wsClient: ws });

/** The Headers tab's Authorization goes with HTTP requests as a header and into the socket's connection_init. */
const fetcher: Fetcher = (params, opts) => {
  const headers = (opts?.headers ?? {}) as Record<string, string>;
  const next = headers.Authorization ?? headers.authorization ?? '';
  if (next !== authorization) {
    authorization = next;
    ws.terminate();
  }
  return inner(params, opts);
};

createRoot(document.getElementById('explorer')!).render(
  createElement(
    GraphiQL,
    {
      fetcher,
      defaultQuery: config.defaultQuery,
      defaultHeaders: Object.keys(config.headers).length ? JSON.stringify(config.headers, null, 2) : undefined,
      defaultEditorToolsVisibility: Object.keys(config.headers).length ? 'headers' : false,
      shouldPersistHeaders: false,
      isHeadersEditorEnabled: true,
    },
    createElement(GraphiQL.Logo, null, 'StudySpot'),
  ),
);
