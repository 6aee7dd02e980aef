// The abuse suite: the gateway tried as a hostile client would, over loopback HTTP, bounded in count
// and time. Bombs (depth, breadth, aliases, cost, fragments), batches, oversized and malformed bodies;
// then every argument and input field of the public schema, found by walking it (new fields are
// covered automatically), given an impossible value of its type, an overlong string, NUL bytes, a
// lone surrogate, a garbage id or cursor — as variables and as literals. Every answer must be a coded
// 4xx or a coded error, never a 5xx or INTERNAL_SERVER_ERROR, within a bound; /healthz must stay up;
// and nothing may be written by a refused request.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUBGRAPHS } from '@studyspot/gateway';
import { buildSubgraph, can, rootFieldAccess, type Access, type Role } from '@studyspot/runtime';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCases } from './support/schema-walk.ts';
import { createSupergraphWorld, type SupergraphWorld } from './support/supergraph.ts';

const BOUND_MS = 5_000;
let w: SupergraphWorld;
const ACCESS = new Map<string, Access>(SUBGRAPHS.flatMap((m) => rootFieldAccess(buildSubgraph(m)).map((f): [string, Access] => [`${f.type}.${f.field}`, f.access])));

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
});
afterAll(async () => {
  await w?.close();
});

interface Answer {
  status: number;
  ms: number;
  body: string;
  codes: string[];
}

let sent = 0;
async function send(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  sent++;
  const t0 = performance.now();
  const res = await fetch(w.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.66.${(sent >> 8) & 255}.${sent & 255}`, ...headers }, body });
  const text = await res.text();
  const ms = performance.now() - t0;
  let codes: string[] = [];
  try {
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    codes = (parsed.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
  } catch {
    codes = ['NOT_JSON'];
  }
  return { status: res.status, ms, body: text.slice(0, 300), codes };
}

const healthy = async () => (await fetch(new URL('/healthz', w.gateway.url))).status === 200;
const bad = (a: Answer) => a.status >= 500 || a.codes.includes('INTERNAL_SERVER_ERROR') || a.codes.includes('NO_CODE') || a.codes.includes('NOT_JSON') || a.ms > BOUND_MS;

/**
 * A checksum of every table of the core database and of tenant A's: what "nothing written" means. Not
 * counted: insights' rollups and forecasts (insight_* tables) and their due-work row — caches any
 * accepted read of insights builds from the records, which a refused input never changes.
 */
async function snapshot(): Promise<string> {
  const sum = async (q: (sql: string) => Promise<{ t: string }[]>) => {
    const tables = (await q("select tablename as t from pg_tables where schemaname = 'public' and tablename not like 'insight\\_%' order by 1")).map((r) => r.t);
    const parts: string[] = [];
    for (const t of tables) {
      const where = t === 'tenant_work' ? " where x.kind <> 'insights'" : '';
      const [row] = await q(`select coalesce(md5(string_agg(md5(x::text), '' order by md5(x::text))), '-') as t from "${t}" x${where}`);
      parts.push(`${t}:${row!.t}`);
    }
    return parts.join(',');
  };
  const core = await sum((sql) => w.world.platform.core.$queryRawUnsafe(sql));
  const tenant = await w.world.platform.tenants.withTenant(w.a.id, (db) => sum((sql) => db.$queryRawUnsafe(sql)));
  return `${core}|${tenant}`;
}

describe('abuse suite', () => {
  it('refuses bombs, batches and bad bodies with coded 4xx within the bound, and stays up', async () => {
    const owner = { authorization: `Bearer ${w.ownerToken(w.a)}` };
    const student = { authorization: `Bearer ${w.tokenFor({ sub: w.a.studentIds[0]!, role: 'STUDENT', tenantId: w.a.id })}` };
    const nest = (n: number) => `{ myStudentProfile { library { ${'seats { library { '.repeat(n)}id${' } }'.repeat(n)} } } }`;
    const frags = Array.from({ length: 40 }, (_, i) => `fragment F${i} on User { ${i < 39 ? `...F${i + 1} ...F${i + 1}` : 'id'} }`).join(' ');
    const cases: [string, string, Record<string, string>][] = [
      ['nested seats (student)', JSON.stringify({ query: nest(3) }), student],
      ['nested seats x8 (student)', JSON.stringify({ query: nest(8) }), student],
      ['depth 40', JSON.stringify({ query: `{ me { ${'tenant { stats { tenant { '.repeat(13)}id${' } } }'.repeat(13)} } }` }), owner],
      ['10,000 aliased logins (anonymous)', JSON.stringify({ query: `mutation { ${Array.from({ length: 10_000 }, (_, i) => `a${i}: login(input: { email: "a@b.c", password: "p" }) { accessToken }`).join(' ')} }` }), {}],
      ['2,000 aliased me', JSON.stringify({ query: `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: me { id }`).join(' ')} }` }), owner],
      ['1,500 repeated fields', JSON.stringify({ query: `{ me { ${'id '.repeat(1_500)} } }` }), owner],
      ['cost: three nested pages of 100', JSON.stringify({ query: '{ libraries(first: 100) { edges { node { students(first: 100) { edges { node { payments(first: 100) { edges { node { id } } } } } } } } } }' }), owner],
      ['fragment bomb 2^40', JSON.stringify({ query: `{ me { ...F0 } } ${frags}` }), owner],
      ['fragment cycle', JSON.stringify({ query: '{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }' }), owner],
      ['unknown fragment', JSON.stringify({ query: '{ me { ...Nope } }' }), owner],
      ['introspection bomb', JSON.stringify({ query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' }), owner],
      ['directive flood', JSON.stringify({ query: `{ me ${'@include(if: true) '.repeat(2_000)} { id } }` }), owner],
      ['batched array', JSON.stringify(Array.from({ length: 50 }, () => ({ query: '{ me { id } }' }))), owner],
      ['invalid JSON', '{"query": "{ me', owner],
      ['JSON that is not an object', '"just a string"', owner],
      ['query not a string', JSON.stringify({ query: 42 }), owner],
      ['variables not an object', JSON.stringify({ query: 'query($x: Int) { __typename }', variables: [1, 2] }), owner],
      ['no query', JSON.stringify({ variables: {} }), owner],
      ['oversized anonymous body', JSON.stringify({ query: `{ __typename } #${'x'.repeat(20_000)}` }), {}],
      ['oversized signed-in body', JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(5_000_000) } }), owner],
      ['two operations, no name', JSON.stringify({ query: 'query A { __typename } query B { __typename }' }), owner],
      ['unknown operation name', JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }), owner],
      // Apollo's persisted-query protocol answers 200 with a code (clients fall back to sending the document).
      ['persisted query hash (200 by protocol)', JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }), owner],
      ['garbage bearer token', JSON.stringify({ query: '{ me { id } }' }), { authorization: 'Bearer x.y.z' }],
      ['malformed authorization', JSON.stringify({ query: '{ me { id } }' }), { authorization: 'Basic abc' }],
      ['bad X-Tenant-Id', JSON.stringify({ query: '{ me { id } }' }), { ...owner, 'x-tenant-id': "'; drop table tenants; --" }],
    ];
    const results: [string, Answer][] = [];
    for (const [name, body, headers] of cases) {
      const a = await send(body, headers);
      results.push([name, a]);
      expect(await healthy(), `after ${name}`).toBe(true);
    }
    const failures = results.filter(([n, a]) => bad(a) || a.codes.length === 0 || (a.status < 400 && !n.includes('200 by protocol'))).map(([n, a]) => `${n}: ${a.status} ${a.codes.join(',')} ${Math.round(a.ms)} ms ${a.body}`);
    expect(failures).toEqual([]);
    const slowest = Math.max(...results.map(([, a]) => a.ms));
    console.log(`[figures] abuse bombs: ${results.length} requests, all coded (4xx but the persisted-query probe), slowest ${Math.round(slowest)} ms; codes: ${[...new Set(results.flatMap(([, a]) => a.codes))].sort().join(', ')}`);
  });

  it('walks every argument and input field of the public schema with hostile values: 0 5xx, 0 INTERNAL_SERVER_ERROR, nothing written', async () => {
    const schema = buildSchema(readFileSync(fileURLToPath(new URL('../gateway/schema.graphql', import.meta.url)), 'utf8'));
    const cases = hostileCases(schema);
    const roles: Role[] = ['OWNER', 'SUPER_ADMIN', 'STUDENT'];
    const tokenFor = (role: Role) =>
      role === 'OWNER' ? w.ownerToken(w.a) : role === 'STUDENT' ? w.tokenFor({ sub: w.a.studentIds[0]!, role, tenantId: w.a.id }) : w.tokenFor({ sub: w.a.ownerId, role, tenantId: null });
    const headersFor = (field: string): Record<string, string> => {
      const access = ACCESS.get(field);
      if (!access) throw new Error(`no access rule for ${field}`);
      if (access === 'public') return {};
      const role = roles.find((r) => can(r, access));
      if (!role) throw new Error(`no test caller may call ${field}`);
      return { authorization: `Bearer ${tokenFor(role)}`, ...(role === 'SUPER_ADMIN' ? { 'x-tenant-id': w.a.id } : {}) };
    };
    const before = await snapshot();
    const failures: string[] = [];
    const fields = new Set<string>();
    const byCode = new Map<string, number>();
    let requests = 0;
    for (const [i, c] of cases.entries()) {
      fields.add(c.field);
      const headers = headersFor(c.field);
      for (const body of [JSON.stringify(c.asVariables), JSON.stringify(c.asLiteral)]) {
        const a = await send(body, headers);
        requests++;
        // An id that names nothing is not an error for a query (null, like a missing row).
        const outcome = a.codes[0] ?? 'answered without error';
        byCode.set(outcome, (byCode.get(outcome) ?? 0) + 1);
        // A refusal names a code; a request the schema let through still answers without a 5xx.
        if (bad(a) || (a.status >= 400 && a.codes.length === 0)) failures.push(`${c.field} ${c.path} (${c.kind}): ${a.status} ${a.codes.join(',')} ${Math.round(a.ms)} ms ${a.body}`);
      }
      if (i % 50 === 0) expect(await healthy()).toBe(true);
    }
    expect(await healthy()).toBe(true);
    const after = await snapshot();
    console.log(`[figures] schema walk: ${cases.length} hostile values at ${new Set(cases.map((c) => `${c.field} ${c.path}`)).size} argument paths of ${fields.size} root fields, ${requests} requests, ${failures.length} failures; outcomes: ${[...byCode].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(failures).toEqual([]);
    expect(after).toBe(before);
    expect(cases.length).toBeGreaterThan(300);
  }, 600_000);
});
