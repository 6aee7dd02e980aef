/* global process, Buffer */
// `pnpm bench:gateway` with BENCH_HIVE_ROOT: Hive Gateway with the Rust query planner
// (@graphql-hive/router-runtime), forwarding the same
// identity headers as stock-gateway.mjs: the bearer token verified (jsonwebtoken, a KeyObject made once).
// The bench copies this file into BENCH_HIVE_ROOT, where those packages are installed (README).
import { createSecretKey, randomUUID } from 'node:crypto';
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import jwt from 'jsonwebtoken';

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
// Where this run's subgraph processes listen (the supergraph names the default ports).
const urls = JSON.parse(process.env.SUBGRAPH_URLS);
export const gatewayConfig = defineConfig({
  unifiedGraphHandler,
  transportEntries: Object.fromEntries(Object.entries(urls).map(([name, location]) => [name, { location }])),
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const token = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
      const h = { 'x-studyspot-gateway-secret': process.env.GATEWAY_SECRET, 'x-request-id': randomUUID() };
      if (token) {
        const p = jwt.verify(token, key, { algorithms: ['HS256'], issuer: 'studyspot', audience: 'studyspot-api' });
        h['x-studyspot-claims'] = Buffer.from(JSON.stringify({ sub: p.sub, role: p.role, tenantId: p.tid ?? null, ...(p.sid ? { sid: p.sid } : {}) })).toString('base64url');
      }
      return h;
    },
  },
});
