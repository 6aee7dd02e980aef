// Fixtures for whole-supergraph tests: a test world (real PostgreSQL/Redis when configured), two
// tenants with their own databases and data, and a gateway serving them over HTTP.
import type { TenantPrisma } from '@studyspot/db';
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import type { Claims } from '@studyspot/runtime';
import { provisionTenant } from '@studyspot/tenancy';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';

export interface SeededTenant {
  id: string;
  slug: string;
  ownerId: string;
  libraryId: string;
  studentIds: string[];
  paymentIds: string[];
  notificationIds: string[];
}

export const OWNER_PASSWORD = 'lamp orbit cactus 42';

export async function seedTenant(world: TestWorld, slug: string, students: string[]): Promise<SeededTenant> {
  const result = await provisionTenant(
    world.platform.core,
    world.db.server,
    { slug, name: `${slug} study centre`, owner: { name: `${slug} owner`, email: `owner@${slug}.test`, password: OWNER_PASSWORD } },
    { dbPrefix: world.db.prefix },
  );
  if (!('tenant' in result) || result.tenant.status !== 'ACTIVE') throw new Error(`seed failed: ${JSON.stringify(result.userErrors)}`);
  const tenant = result.tenant;
  const owner = { id: result.ownerId };
  return world.platform.tenants.withTenant(tenant.id, async (db: TenantPrisma) => {
    const library = await db.library.create({ data: { name: `${slug} reading room`, city: 'Pune', capacity: 30 } });
    await db.seat.createMany({ data: Array.from({ length: 12 }, (_, i) => ({ libraryId: library.id, label: `S${i + 1}` })) });
    const studentIds: string[] = [];
    const paymentIds: string[] = [];
    const notificationIds: string[] = [];
    for (const [i, name] of students.entries()) {
      const s = await db.student.create({ data: { name, phone: `91900000${String(i).padStart(4, '0')}`, libraryId: library.id } });
      studentIds.push(s.id);
      paymentIds.push((await db.payment.create({ data: { studentId: s.id, amountPaise: 120_000 + i, status: 'CAPTURED', provider: 'razorpay' } })).id);
      notificationIds.push((await db.notification.create({ data: { studentId: s.id, channel: 'sms', body: `hello ${name}` } })).id);
    }
    return { id: tenant.id, slug, ownerId: owner.id, libraryId: library.id, studentIds, paymentIds, notificationIds };
  });
}

export interface GqlResult {
  status: number;
  headers: Headers;
  data: Record<string, unknown> | null | undefined;
  errors: { message: string; path?: string[]; locations?: { line: number; column: number }[]; extensions?: Record<string, unknown> }[] | undefined;
  raw: string;
}

export async function gql(
  url: string,
  query: string,
  opts: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GqlResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: JSON.stringify({ query, variables: opts.variables }),
  });
  const raw = await res.text();
  const body = JSON.parse(raw) as { data?: Record<string, unknown> | null; errors?: GqlResult['errors'] };
  return { status: res.status, headers: res.headers, data: body.data, errors: body.errors, raw };
}

export interface SupergraphWorld {
  world: TestWorld;
  gateway: GatewayServer;
  a: SeededTenant;
  b: SeededTenant;
  tokenFor(claims: Claims, ttl?: number): string;
  ownerToken(t: SeededTenant): string;
  close(): Promise<void>;
}

export async function createSupergraphWorld(overrides: Parameters<typeof createTestWorld>[0] = {}, opts: Parameters<typeof createTestWorld>[1] = {}): Promise<SupergraphWorld> {
  const world = await createTestWorld(overrides, opts);
  try {
    const a = await seedTenant(world, 'alpha', ['Rohan Patil', 'Sneha Joshi', 'Imran Shaikh']);
    const b = await seedTenant(world, 'beta', ['Kavya Nair']);
    const gateway = await startGateway(world.platform, 0);
    return {
      world,
      gateway,
      a,
      b,
      tokenFor: world.token,
      ownerToken: (t) => world.token({ sub: t.ownerId, role: 'OWNER', tenantId: t.id }),
      close: async () => {
        await gateway.close();
        await world.close();
      },
    };
  } catch (err) {
    await world.close();
    throw err;
  }
}
