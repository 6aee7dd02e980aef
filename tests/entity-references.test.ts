// Every entity reference is batched: `_entities` with 25 representations of a type costs the same SQL
// statements as with one (the gateway sends a list of references in one `_entities` call). Entity types
// are read from each subgraph's SDL, so a new entity is covered without editing this file. Unknown ids
// are enough to tell: an unbatched reference reads the database once per id, found or not.
import { randomInt, randomUUID } from 'node:crypto';
import { SUBGRAPHS } from '@studyspot/gateway';
import { buildSubgraph, subgraphContext, type SubgraphName } from '@studyspot/runtime';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { graphql, Kind, parse, print, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from './support/supergraph.ts';

let world: TestWorld;
let a: SeededTenant;
let statements = 0;
const count = () => statements++;

beforeAll(async () => {
  world = await createTestWorld({}, { logQueries: true });
  a = await seedTenant(world, 'refs', ['Asha Rao']);
  (world.platform.core as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', count);
  const lease = await world.platform.tenants.lease(a.id);
  (lease.prisma as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', count);
  lease.release();
}, 120_000);
afterAll(async () => {
  await world?.close();
});

/** Each subgraph's resolvable entity types and their key field. */
function entityTypes(): { subgraph: SubgraphName; type: string; key: string }[] {
  const out: { subgraph: SubgraphName; type: string; key: string }[] = [];
  for (const m of SUBGRAPHS) {
    const doc = parse(print(m.typeDefs));
    for (const d of doc.definitions) {
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const key = (d as ObjectTypeDefinitionNode | ObjectTypeExtensionNode).directives?.find((x) => x.name.value === 'key');
      if (!key) continue;
      const resolvable = key.arguments?.find((x) => x.name.value === 'resolvable');
      if (resolvable && resolvable.value.kind === Kind.BOOLEAN && !resolvable.value.value) continue;
      const fields = key.arguments?.find((x) => x.name.value === 'fields');
      out.push({ subgraph: m.name, type: d.name.value, key: fields && fields.value.kind === Kind.STRING ? fields.value.value : 'id' });
    }
  }
  return out;
}

const idFor = (type: string) => (type === 'LedgerEntry' ? String(randomInt(1, 2 ** 47)) : randomUUID());

async function statementsFor(subgraph: SubgraphName, type: string, key: string, n: number) {
  const module = SUBGRAPHS.find((m) => m.name === subgraph)!;
  const reps = Array.from({ length: n }, () => ({ __typename: type, [key]: idFor(type) }));
  // A platform admin acting on the tenant may read every entity type.
  const ctx = subgraphContext(world.platform, { requestId: randomUUID(), claims: { sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null }, actingTenantId: a.id });
  await ctx.tenantDb(a.id); // the lease, opened before counting
  statements = 0;
  try {
    const r = await graphql({ schema: buildSubgraph(module), source: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, variableValues: { r: reps }, contextValue: ctx });
    const codes = (r.errors ?? []).map((e) => e.extensions?.code ?? e.message);
    return { statements, codes, resolved: (r.data as { _entities: unknown[] } | null)?._entities.length ?? 0 };
  } finally {
    await ctx.dispose();
  }
}

describe('entity references', () => {
  const types = entityTypes();

  it('finds the entity types of every subgraph', () => {
    expect(new Set(types.map((t) => t.subgraph))).toEqual(new Set(['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement'])); // insights owns no entity (it references Library and Student)
    expect(types.length).toBeGreaterThanOrEqual(20);
  });

  it.each(types.map((t) => [`${t.subgraph} ${t.type}`, t] as const))('%s: 25 references cost the statements of one', async (_name, t) => {
    const one = await statementsFor(t.subgraph, t.type, t.key, 1);
    const many = await statementsFor(t.subgraph, t.type, t.key, 25);
    console.log(`[figures] ${t.subgraph} ${t.type}: ${one.statements} SQL statements for 1 reference, ${many.statements} for 25`);
    expect(many.codes.filter((c) => c !== 'FORBIDDEN')).toEqual([]);
    expect(many.resolved).toBe(25);
    expect(many.statements).toBe(one.statements);
  });
});
