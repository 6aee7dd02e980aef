// Readiness-first shutdown (issue 19): a draining process answers /readyz with 503 "draining" while it
// still serves requests, so a balancer takes it out before it stops; stopping a subgraph server closes
// HTTP first (idle keep-alive sockets included) and then Apollo Server, promptly.
import { identitySubgraph } from '@studyspot/identity';
import { serveSubgraph } from '@studyspot/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
beforeAll(async () => {
  w = await createSupergraphWorld();
});
afterAll(async () => {
  await w?.close();
});

it('a draining gateway fails readiness but keeps serving', async () => {
  const owner = w.ownerToken(w.a);
  expect((await fetch(new URL('/readyz', w.gateway.url))).status).toBe(200);
  w.gateway.drain();
  const ready = await fetch(new URL('/readyz', w.gateway.url));
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { status: string }).status).toBe('draining');
  expect((await gql(w.gateway.url, '{ currentTenant { id } }', { token: owner })).data).toEqual({ currentTenant: { id: w.a.id } });
});

it('a subgraph server drains, then stops with an idle keep-alive connection open, and refuses new ones', async () => {
  const server = await serveSubgraph(identitySubgraph, w.world.platform, 0);
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: 1 });
  const ready = () => request(new URL('/readyz', server.url), { dispatcher: agent }).then(async (r) => ({ status: r.statusCode, body: (await r.body.json()) as { status: string } }));
  expect((await ready()).status).toBe(200);
  server.drain();
  // The same kept-alive connection: readiness fails, the server still answers.
  expect(await ready()).toEqual({ status: 503, body: { status: 'draining', checks: {} } });
  const started = Date.now();
  await server.close();
  const took = Date.now() - started;
  console.log(`[figures] subgraph server stop with an idle keep-alive connection open: ${took} ms`);
  expect(took).toBeLessThan(3_000);
  await expect(fetch(new URL('/healthz', server.url))).rejects.toThrow();
  await agent.close();
});
