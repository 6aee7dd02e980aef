/* global process, console, Buffer, URL */
// The floor of `pnpm bench:gateway`: a bare forwarding proxy in front of one subgraph. It does the
// least a gateway must for a one-fetch operation — reads the body, verifies the bearer token (cached
// by token after the first time), rebuilds the identity headers and pipes the subgraph's bytes back —
// and nothing else: no limits, no validation, no planning, no security headers, no metrics. What our
// gateway spends above it is what its own machinery costs.
//   PORT=<port> TARGET_URL=http://…/graphql JWT_SECRET=<secret> GATEWAY_SECRET=<secret> node bare-proxy.mjs
import { createSecretKey, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';
import { Pool } from 'undici';

const target = new URL(process.env.TARGET_URL);
const pool = new Pool(target.origin, { connections: 64, keepAliveTimeout: 30_000 });
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const gatewaySecret = process.env.GATEWAY_SECRET;
const claimsByToken = new Map();

function claimsOf(authorization) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) return null;
  let claims = claimsByToken.get(token);
  if (!claims) {
    const p = jwt.verify(token, key, { algorithms: ['HS256'], issuer: 'studyspot', audience: 'studyspot-api' });
    claims = Buffer.from(JSON.stringify({ sub: p.sub, role: p.role, tenantId: p.tid ?? null, ...(p.sid ? { sid: p.sid } : {}) })).toString('base64url');
    claimsByToken.set(token, claims);
  }
  return claims;
}

createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const claims = claimsOf(req.headers.authorization);
    const headers = { 'content-type': 'application/json', 'x-studyspot-gateway-secret': gatewaySecret, 'x-request-id': randomUUID(), ...(claims ? { 'x-studyspot-claims': claims } : {}) };
    const answer = await pool.request({ path: target.pathname, method: 'POST', headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.statusCode, { 'content-type': 'application/json; charset=utf-8' });
    for await (const c of answer.body) res.write(c);
    res.end();
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare proxy ready'));
