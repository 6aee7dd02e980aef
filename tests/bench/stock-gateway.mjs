/* global process, console, Buffer */
// The baseline of `pnpm bench:gateway`: a bare, stock @apollo/gateway + startStandaloneServer on the
// same supergraph, forwarding the same identity headers to the same subgraph processes. Plain
// JavaScript (no TypeScript loader), as our gateway runs in the benchmark. It verifies the bearer token
// with jsonwebtoken given its secret as a KeyObject made once: the faster of the two ways to hand it
// one (a string secret makes jsonwebtoken try it as a public key first on every request).
//   SUPERGRAPH=<file> PORT=<port> JWT_SECRET=<secret> GATEWAY_SECRET=<secret> SUBGRAPH_URLS='{"campus":"http://…"}' node stock-gateway.mjs
import { createSecretKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import jwt from 'jsonwebtoken';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const urls = JSON.parse(process.env.SUBGRAPH_URLS);
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const gatewaySecret = process.env.GATEWAY_SECRET;

class IdentityForwarding extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    request.http.headers.set('x-studyspot-gateway-secret', gatewaySecret);
    request.http.headers.set('x-request-id', context.requestId);
    if (context.claims) request.http.headers.set('x-studyspot-claims', context.claims);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH, 'utf8'),
  buildService: ({ name }) => new IdentityForwarding({ url: urls[name] }),
});
const server = new ApolloServer({ gateway, introspection: true });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT) },
  context: async ({ req }) => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    let claims = null;
    if (token) {
      const p = jwt.verify(token, key, { algorithms: ['HS256'], issuer: 'studyspot', audience: 'studyspot-api' });
      claims = Buffer.from(JSON.stringify({ sub: p.sub, role: p.role, tenantId: p.tid ?? null, ...(p.sid ? { sid: p.sid } : {}) })).toString('base64url');
    }
    return { requestId: randomUUID(), claims };
  },
});
console.log(`stock gateway ready at ${url}`);
