// Work-driven background sweeps (runtime work.ts) on the real core database: only due tenants are
// visited, each by one process across replicas, later work never hides earlier work, a crashed
// process's claim lapses, failures are retried.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@studyspot/runtime/observability';
import { runDueWork, workSchedule, type WorkSchedule } from '@studyspot/runtime/work';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let world: TestWorld;
let work: WorkSchedule;
const logger = createLogger('work-test', 'silent');

beforeAll(async () => {
  world = await createTestWorld();
  work = workSchedule(world.platform.core);
});
afterAll(async () => world?.close());

async function tenants(n: number, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE'): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await world.platform.core.tenant.createMany({ data: ids.map((id) => ({ id, slug: `w-${id.slice(0, 13)}`, name: 'work test', dbName: `work_${id.replaceAll('-', '')}`, status })) });
  return ids;
}

const dueAt = async (tenantId: string, kind = 'billing') =>
  (await world.platform.core.$queryRaw<{ due_at: Date | null }[]>`SELECT due_at FROM tenant_work WHERE tenant_id = ${tenantId}::uuid AND kind = ${kind}`)[0]?.due_at ?? null;
const past = (ms: number) => new Date(Date.now() - ms);

describe('work-driven sweeps', () => {
  it('visit only tenants whose work is due; idle ones are never touched', async () => {
    const [busy, later, idle] = await tenants(3);
    await work.due(busy!, 'campus', past(1_000));
    await work.due(later!, 'campus', new Date(Date.now() + 3_600_000));
    void idle;
    const seen: string[] = [];
    const r = await runDueWork({ work, logger }, 'campus', async (t) => (seen.push(t), null));
    expect(seen).toEqual([busy]);
    expect(r).toEqual({ tenants: 1, failed: 0 });
    // Nothing more known to be due: the row waits for a writer.
    expect(await dueAt(busy!, 'campus')).toBeNull();
    expect(await runDueWork({ work, logger }, 'campus', async (t) => (seen.push(t), null))).toEqual({ tenants: 0, failed: 0 });
  });

  it('keeps the earliest due time, and work scheduled while a sweep holds the tenant is not lost', async () => {
    const [t] = await tenants(1);
    const in1h = new Date(Date.now() + 3_600_000);
    const in2h = new Date(Date.now() + 7_200_000);
    await work.due(t!, 'billing', in2h);
    await work.due(t!, 'billing', in1h);
    await work.due(t!, 'billing', in2h);
    expect((await dueAt(t!))?.getTime()).toBe(in1h.getTime());
    await work.due(t!, 'billing', past(1_000));
    const soon = new Date(Date.now() + 60_000);
    await runDueWork({ work, logger }, 'billing', async (tenantId) => {
      // A payment order is made while the sweep works this tenant: due in a minute.
      await work.due(tenantId, 'billing', soon);
      return in2h; // what the sweep saw in the database before the order
    });
    expect((await dueAt(t!))?.getTime()).toBe(soon.getTime());
  });

  it('across replicas, each due tenant is worked once', async () => {
    const ids = await tenants(40);
    for (const id of ids) await work.due(id, 'messages', past(1_000));
    const counts = new Map<string, number>();
    const replica = () =>
      runDueWork({ work: workSchedule(world.platform.core), logger }, 'messages', async (t) => {
        counts.set(t, (counts.get(t) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 5));
        return null;
      }, { batch: 4 });
    const reports = await Promise.all([replica(), replica(), replica()]);
    expect(ids.every((id) => counts.get(id) === 1)).toBe(true);
    expect(reports.reduce((n, r) => n + r.tenants, 0)).toBeGreaterThanOrEqual(40);
    // More than one replica took part (the batches interleaved).
    expect(reports.filter((r) => r.tenants > 0).length).toBeGreaterThan(1);
  });

  it('a failed tenant is tried again later; a crashed process’s claim lapses; suspended tenants wait', async () => {
    const [failing, crashed] = await tenants(2);
    const [suspended] = await tenants(1, 'SUSPENDED');
    await work.due(crashed!, 'campus', past(5_000));
    for (const t of [failing!, suspended!]) await work.due(t, 'campus', past(1_000));
    // A process claims the earliest, `crashed`, and dies (its lease: 50 ms).
    expect(await work.claim('campus', 1, 50, new Date())).toEqual([crashed]);
    const r = await runDueWork({ work, logger }, 'campus', async (t) => {
      if (t === failing) throw new Error('tenant database down');
      return null;
    }, { retryMs: 120_000 });
    const retry = await dueAt(failing!, 'campus');
    expect(r.failed).toBe(1);
    expect(retry!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    await new Promise((res) => setTimeout(res, 60));
    const seen: string[] = [];
    await runDueWork({ work, logger }, 'campus', async (t) => (seen.push(t), null));
    // The dead process's tenant is worked now; the failed one waits for its retry, the suspended one for its reactivation.
    expect(seen).toEqual([crashed]);
  });
});
