import { describe, expect, it } from 'vitest';
import { HEADER, identityFromHeaders, identityHeaders, requestIdFrom, secretMatches } from './transport.ts';

describe('gateway to subgraph transport', () => {
  it('forwards identity as headers and reads it back', () => {
    const identity = { requestId: 'req-1', claims: { sub: 'u1', role: 'ADMIN' as const, tenantId: null, sid: 's1' }, actingTenantId: 't1', clientIp: '10.0.0.7' };
    const headers = identityHeaders(identity, 'secret-secret-secret');
    expect(headers[HEADER.gatewaySecret]).toBe('secret-secret-secret');
    expect(identityFromHeaders(headers)).toEqual(identity);
  });

  it('compares the shared secret exactly', () => {
    expect(secretMatches('abc', 'abc')).toBe(true);
    expect(secretMatches('abd', 'abc')).toBe(false);
    expect(secretMatches('ab', 'abc')).toBe(false);
    expect(secretMatches(undefined, 'abc')).toBe(false);
  });

  it('keeps well-formed request ids and replaces others', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    const replaced = requestIdFrom('bad id with spaces\n');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses forwarded claims with an unknown role', () => {
    const raw = Buffer.from(JSON.stringify({ sub: 'x', role: 'ROOT' })).toString('base64url');
    expect(() => identityFromHeaders({ [HEADER.claims]: raw })).toThrow('Malformed x-studyspot-claims header');
  });
});
