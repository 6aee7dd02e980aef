// A group is a scope: never two tenants, roles, branch sets or students in one.
import type { LiveCaller } from '@studyspot/runtime';
import { describe, expect, it } from 'vitest';
import { groupKey, scopeKey } from './groups.ts';

const caller = (c: Partial<LiveCaller['claims']> & { tenantId?: string }): LiveCaller => ({
  tenantId: c.tenantId ?? 't1',
  claims: { sub: c.sub ?? 'u1', role: c.role ?? 'OWNER', tenantId: c.tenantId ?? 't1', ...(c.libraryIds ? { libraryIds: c.libraryIds } : {}) },
});

describe('scopeKey', () => {
  it('separates tenants, roles, branch sets and students, and joins what is equivalent', () => {
    expect(scopeKey(caller({ sub: 'a' }))).toBe(scopeKey(caller({ sub: 'b' }))); // two owners of one tenant share
    expect(scopeKey(caller({ tenantId: 't1' }))).not.toBe(scopeKey(caller({ tenantId: 't2' })));
    expect(scopeKey(caller({ role: 'OWNER' }))).not.toBe(scopeKey(caller({ role: 'STAFF' })));
    expect(scopeKey(caller({ role: 'STAFF', libraryIds: ['l1', 'l2'] }))).toBe(scopeKey(caller({ role: 'STAFF', sub: 'x', libraryIds: ['l2', 'l1'] })));
    expect(scopeKey(caller({ role: 'STAFF', libraryIds: ['l1'] }))).not.toBe(scopeKey(caller({ role: 'STAFF', libraryIds: ['l1', 'l2'] })));
    expect(scopeKey(caller({ role: 'STUDENT', sub: 's1' }))).not.toBe(scopeKey(caller({ role: 'STUDENT', sub: 's2' })));
  });

  it('puts document, operation name and variables in the group key', () => {
    const c = caller({});
    const k = groupKey('f', '{ a }', null, { x: 1 }, c);
    expect(groupKey('f', '{ a }', null, { x: 1 }, c)).toBe(k);
    expect(groupKey('f', '{ a }', null, { x: 2 }, c)).not.toBe(k);
    expect(groupKey('f', '{ a b }', null, { x: 1 }, c)).not.toBe(k);
    expect(groupKey('f', '{ a }', 'Op', { x: 1 }, c)).not.toBe(k);
  });
});
