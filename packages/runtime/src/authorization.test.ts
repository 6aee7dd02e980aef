import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { applyAuthorization, rootFieldAccess } from './authorization.ts';
import { unauthenticated, forbidden } from './errors.ts';

const DIRECTIVES = 'directive @auth(requires: String!) on FIELD_DEFINITION\ndirective @public on FIELD_DEFINITION\n';
const schema = (sdl: string) => buildSubgraphSchema([{ typeDefs: parse(DIRECTIVES + sdl), resolvers: { Query: { a: () => 'a', b: () => 'b' } } as never }]);

describe('applyAuthorization', () => {
  it('refuses to build a subgraph with an operation that declares no access rule', () => {
    expect(() => applyAuthorization(schema('type Query { a: String @public b: String }'))).toThrow('Query.b has neither @auth(requires: …) nor @public');
  });

  it('refuses unknown permissions and contradictory rules', () => {
    expect(() => applyAuthorization(schema('type Query { a: String @auth(requires: "everything") }'))).toThrow('Query.a: unknown permission "everything"');
    expect(() => applyAuthorization(schema('type Query { a: String @public @auth(requires: "self:read") }'))).toThrow('Query.a has both @public and @auth');
  });

  it('lists each operation with its rule, leaving out federation fields', () => {
    expect(rootFieldAccess(applyAuthorization(schema('type Query { a: String @public b: String @auth(requires: "users:read") }')))).toEqual([
      { type: 'Query', field: 'a', access: 'public' },
      { type: 'Query', field: 'b', access: 'users:read' },
    ]);
  });

  it('checks the permission and the tenant before the resolver runs', async () => {
    const s = applyAuthorization(schema('type Query { a: String @public b: String @auth(requires: "users:read") }'));
    const calls: string[] = [];
    const ctx = (grant: boolean) => ({
      authorize: (p: string) => {
        calls.push(p);
        if (!grant) throw forbidden();
      },
      ensureTenantActive: async () => void calls.push('tenant'),
    });
    expect((await graphql({ schema: s, source: '{ a b }', contextValue: ctx(true) })).data).toEqual({ a: 'a', b: 'b' });
    expect(calls).toEqual(['users:read', 'tenant']);
    const denied = await graphql({ schema: s, source: '{ a b }', contextValue: ctx(false) });
    expect(denied.data).toEqual({ a: 'a', b: null });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anon = await graphql({ schema: s, source: '{ b }', contextValue: { authorize: () => { throw unauthenticated(); }, ensureTenantActive: async () => {} } });
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('branchLimits (the one branch-limit rule)', () => {
  it('limits managers and staff with branches, nobody else', async () => {
    const { branchLimits } = await import('./roles.ts');
    expect(branchLimits({ role: 'MANAGER', libraryIds: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(branchLimits({ role: 'STAFF', libraryIds: ['a'] })).toEqual(['a']);
    expect(branchLimits({ role: 'STAFF', libraryIds: [] })).toBeNull();
    expect(branchLimits({ role: 'OWNER', libraryIds: ['a'] })).toBeNull();
    expect(branchLimits({ role: 'STUDENT', libraryIds: ['a'] })).toBeNull();
    expect(branchLimits(null)).toBeNull();
  });
});
