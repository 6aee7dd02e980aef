import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { DEFAULT_LIMITS } from '@studyspot/runtime';
import { getNamedType, isObjectType, type GraphQLError, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../compose.ts';
import { SUBGRAPHS } from '../subgraphs.ts';
import { costModelFromSupergraph, isObjectList } from './cost-model.ts';
import { OperationGuard } from './guard.ts';
import { publicRootFields } from './public-fields.ts';

const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const costs = costModelFromSupergraph(supergraphSdl);
let schema: GraphQLSchema;
let guard: OperationGuard;
const gateway = new ApolloGateway({ supergraphSdl });

beforeAll(async () => {
  schema = (await gateway.load()).schema;
  guard = new OperationGuard(schema, costs, DEFAULT_LIMITS, publicRootFields(SUBGRAPHS));
});
afterAll(() => gateway.stop());

function refusal(source: string, opts: { anonymous?: boolean; production?: boolean; variables?: Record<string, unknown>; operationName?: string } = {}) {
  try {
    const a = guard.check({ source, anonymous: false, production: false, ...opts });
    return { admitted: a.cost };
  } catch (err) {
    const e = err as GraphQLError;
    return { code: e.extensions.code, limit: e.extensions.limit, measured: e.extensions.measured, message: e.message };
  }
}

describe('operation guard', () => {
  it("refuses the student's nested seats query and the owner's one by cost, naming the figure and the limit", () => {
    const student = refusal('{ myStudentProfile { library { seats { library { seats { library { seats { id label } } } } } } } }');
    expect(student).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'cost' });
    expect(student.measured).toBeGreaterThan(300 * 300 * 300);
    const owner = refusal('{ libraries { edges { node { seats { library { seats { id label zone } } } } } } }');
    expect(owner).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'cost' });
  });

  it('multiplies page sizes along a path: first counts, a smaller page costs less', () => {
    const q = (n: number) => refusal(`{ students(first: ${n}) { edges { node { name payments(first: 10) { edges { node { amountPaise } } } } } } }`);
    const small = q(5).admitted!;
    const large = q(50).admitted!;
    expect(small).toBeGreaterThan(5 * 10);
    expect(large).toBeGreaterThan(9 * small);
  });

  it('refuses 10,000 aliased logins from an anonymous caller at the token limit, before anything else', () => {
    const doc = `mutation { ${Array.from({ length: 10_000 }, (_, i) => `a${i}: login(input: { email: "x@y.z", password: "p" }) { accessToken }`).join(' ')} }`;
    expect(refusal(doc, { anonymous: true })).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'documentBytes' });
    const fewer = `mutation { ${Array.from({ length: 6 }, (_, i) => `a${i}: login(input: { email: "x@y.z", password: "p" }) { accessToken }`).join(' ')} }`;
    expect(refusal(fewer, { anonymous: true })).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'rootFields', measured: 6 });
    const cheap = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(refusal(cheap)).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'documentBytes' });
  });

  it('measures a fragment bomb without expanding it and refuses fragment cycles', () => {
    const levels = 30;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on User { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : 'id'} }`).join('\n');
    const bomb = refusal(`{ me { ...F0 } }\n${frags}`);
    expect(bomb).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'fields' });
    expect(bomb.measured).toBeGreaterThan(2 ** 29);
    expect(refusal('{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }')).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('refuses depth, aliases and root fields by their own limits', () => {
    const deep = `{ me { ${'tenant { stats { tenant { '.repeat(5)}id${' } } }'.repeat(5)} } }`;
    expect(refusal(deep)).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'depth' });
    const aliases = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(refusal(aliases)).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'rootFields' });
  });

  it('lets anonymous callers ask only for public fields, and refuses them introspection in production', () => {
    expect(refusal('{ students { edges { node { name } } } }', { anonymous: true })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(refusal('mutation { requestOtp(input: { tenantSlug: "demo", phone: "9876543210" }) { expiresInSeconds } }', { anonymous: true }).admitted).toBeGreaterThan(0);
    expect(refusal('{ __schema { queryType { name } } }', { anonymous: true, production: true })).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(refusal('{ __schema { queryType { name } } }', { anonymous: false, production: true }).admitted).toBe(0);
  });

  it('answers a document with several operations and no name with OPERATION_RESOLUTION_FAILURE', () => {
    expect(refusal('query A { me { id } } query B { me { id } }')).toMatchObject({ code: 'OPERATION_RESOLUTION_FAILURE' });
    expect(refusal('query A { me { id } } query B { me { id } }', { operationName: 'B' }).admitted).toBeGreaterThan(0);
  });

  it('names the argument of an impossible Date, literal or variable', () => {
    expect(refusal('{ occupancyTimeline(libraryId: "x", date: "2026-02-30") { hour } }')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refusal('query($d: Date!) { occupancyTimeline(libraryId: "x", date: $d) { hour } }', { variables: { d: '2026-13-01' } })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('has a declared size for every list of objects in the schema (new lists cannot slip by)', () => {
    const undeclared: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const f of Object.values(type.getFields())) {
        const key = `${type.name}.${f.name}`;
        if (!isObjectList(f) || costs.listSizes.has(key) || costs.sizedByParent.has(key) || getNamedType(f.type).name.endsWith('UserError')) continue;
        undeclared.push(key);
      }
    }
    expect(undeclared).toEqual([]);
  });
});
