// What the authorization matrices of billing, campus-like subgraphs and communications share: the
// outcome a caller must get for an operation its role may or may not call.
import type { Role } from '@studyspot/runtime';
import { expect } from 'vitest';
import type { GqlResult } from './supergraph.ts';

export type MatrixCaller = 'anonymous' | 'expired' | Role;

/** No token or an expired one: UNAUTHENTICATED; an allowed role: an answer; any other: FORBIDDEN with nothing leaked. */
export function expectRoleOutcome(r: GqlResult, caller: MatrixCaller, allowed: Role[]): void {
  const codes = (r.errors ?? []).map((e) => e.extensions?.code);
  const expected = caller === 'anonymous' || caller === 'expired' ? 'UNAUTHENTICATED' : allowed.includes(caller) ? 'ok' : 'FORBIDDEN';
  if (expected === 'ok') {
    expect(codes).toEqual([]);
    expect(r.data).not.toBeNull();
  } else {
    expect(codes).toEqual([expected]);
    for (const value of Object.values(r.data ?? {})) expect(value).toBeNull();
  }
}
