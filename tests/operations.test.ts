// The operations frontends send (tests/operations/*.graphql), as typed documents from `pnpm codegen`,
// run through the gateway: if the schema drifts from them, codegen or this test fails.
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudentsPageDocument, TenantOverviewDocument, type StudentsPageQuery, type TenantOverviewQuery } from './generated/graphql.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
beforeAll(async () => {
  w = await createSupergraphWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('frontend operations', () => {
  it('TenantOverview', async () => {
    const r = await gql(w.gateway.url, print(TenantOverviewDocument), { token: w.ownerToken(w.a) });
    const data = r.data as TenantOverviewQuery;
    expect(data.currentTenant?.libraries.edges.map((e) => [e.node.name, e.node.city, e.node.seatCount])).toEqual([['alpha reading room', 'Pune', 12]]);
  });

  it('StudentsPage with search', async () => {
    const r = await gql(w.gateway.url, print(StudentsPageDocument), { token: w.ownerToken(w.a), variables: { search: 'sne' } });
    const data = r.data as StudentsPageQuery;
    expect(data.students.edges.map((e) => ({ name: e.node.name, library: e.node.library?.name, paid: e.node.payments.edges.map((p) => p.node.amountPaise) }))).toEqual([
      { name: 'Sneha Joshi', library: 'alpha reading room', paid: [120001] },
    ]);
    expect(data.students.pageInfo.hasNextPage).toBe(false);
  });
});
