import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { readiness, subgraphPort } from './subgraph.ts';

describe('subgraph processes', () => {
  it('listen where the gateway calls them, whatever PORT says (PORT is the gateway’s)', () => {
    const c = loadConfig({ STUDYSPOT_DATA_DIR: '/tmp', JWT_KEYS: `k:${'s'.repeat(40)}`, GATEWAY_SECRET: 'g'.repeat(32), PORT: '9000', SUBGRAPH_CAMPUS_URL: 'http://10.0.0.5:7003/graphql' });
    expect(c.port).toBe(9000);
    expect(subgraphPort(c.subgraphUrls.campus, 'campus')).toBe(7003);
    expect(subgraphPort(c.subgraphUrls.identity, 'identity')).toBe(4001);
    expect(new Set((['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights'] as const).map((n) => subgraphPort(c.subgraphUrls[n], n))).size).toBe(7);
  });

  it('report ready, degraded without an optional dependency, unavailable without a required one', () => {
    expect(readiness({ database: 'ok', events: 'ok' })).toBe('ok');
    expect(readiness({ database: 'ok', events: 'degraded: ECONNREFUSED' })).toBe('degraded');
    expect(readiness({ database: 'ECONNREFUSED', events: 'ok' })).toBe('unavailable');
  });
});

describe('systemContext', () => {
  it('acts on its one tenant as a named job, with no account behind it', async () => {
    const { systemContext } = await import('./subgraph.ts');
    const ctx = systemContext({} as never, 'campus sweep', '3f1c2a9e-8f6b-4c1d-9a7e-2b5d6c7e8f90');
    expect(ctx.claims).toBeNull();
    expect(ctx.isSystem).toBe(true);
    expect(ctx.tenantId).toBe('3f1c2a9e-8f6b-4c1d-9a7e-2b5d6c7e8f90');
    expect(ctx.requireTenant()).toBe('3f1c2a9e-8f6b-4c1d-9a7e-2b5d6c7e8f90');
    expect(() => ctx.requireTenant('11111111-2222-4333-8444-555555555555')).toThrow(/acts on one tenant only/);
    expect(() => ctx.authorize('tenant:read')).toThrow();
  });
});
