// Test clocks (outside production): create one, attach tenants, advance it. Advancing steps through
// every moment at which something falls due for its tenants — each recorded due time of their campus,
// billing and messages work (runtime work.ts), and each IST midnight for platform billing (trials,
// renewals, dunning) — in order, running that work with the clock showing that moment (clock.ts), and
// stops at the target. Work is the same code the sweeps run (registered by each subgraph).
import { addDays, clock, isUuid, istDay, istDayStart, istToday, type Platform, type SubgraphContext } from '@studyspot/runtime';
import { earliest, registeredWork, type WorkKind } from '@studyspot/runtime/work';
import { fail, type TenancyErrorCode } from '../errors.ts';
import * as repo from './testclocks.repository.ts';

const refuse = (code: TenancyErrorCode, message: string, ...field: string[]) => ({ testClock: null, advance: null, ...fail(code, message, ...field) });

const DAY_MS = 86_400_000;
const YEAR_MS = 366 * DAY_MS;
/** The order work of one moment runs in: seats and visits, then money, then messages about both, then admissions' follow-ups. */
const KINDS: WorkKind[] = ['campus', 'billing', 'messages', 'engagement', 'insights'];
/** A bound on the moments one advance stops at (2 years of daily work for a few tenants is ~3,000). */
const MAX_STEPS = 50_000;

export const enabled = (ctx: Pick<SubgraphContext, 'platform'>) => !ctx.platform.config.production;

const notFound = (field: string) => refuse('NOT_FOUND', 'No such test clock or tenant', field);

export const listTestClocks = (ctx: SubgraphContext) => (enabled(ctx) ? repo.listClocks(ctx.core) : []);
export const findTestClock = (ctx: SubgraphContext, id: string) => (enabled(ctx) && isUuid(id) ? repo.findClock(ctx.core, id) : null);

/** The tenant's clock (Tenant.testClock), for platform roles outside production. */
export async function clockOfTenant(ctx: SubgraphContext, t: { id: string; testClockId?: string | null }) {
  if (!ctx.isPlatform || !enabled(ctx)) return null;
  const id = t.testClockId ?? (await repo.findTenant(ctx.core, t.id))?.testClockId;
  return id ? repo.findClock(ctx.core, id) : null;
}
const disabled = () => refuse('TEST_CLOCKS_DISABLED', 'Test clocks exist only outside production');

export async function createTestClock(ctx: SubgraphContext, name: string, frozenTime: Date | null) {
  if (!enabled(ctx)) return disabled();
  const now = clock.processNow();
  const at = frozenTime ?? now;
  if (!name.trim()) return refuse('INVALID_INPUT', 'Give the clock a name', 'name');
  if (at.getTime() < now.getTime() - 60_000) return refuse('INVALID_INPUT', 'A test clock starts now or later: data already written cannot move back in time', 'frozenTime');
  if (at.getTime() > now.getTime() + 5 * YEAR_MS) return refuse('INVALID_INPUT', 'At most 5 years ahead', 'frozenTime');
  const c = await repo.createClock(ctx.core, name.trim(), at);
  await ctx.audit({ action: 'testclock.create', tenantId: null, targetType: 'TestClock', targetId: c.id, details: { frozenTime: at.toISOString() } });
  return { testClock: c, advance: null, userErrors: [] };
}

export async function attachTestClock(ctx: SubgraphContext, clockId: string, tenantId: string) {
  if (!isUuid(clockId) || !isUuid(tenantId)) return notFound(isUuid(clockId) ? 'tenantId' : 'testClockId');
  if (!enabled(ctx)) return disabled();
  const c = await repo.findClock(ctx.core, clockId);
  if (!c) return refuse('NOT_FOUND', 'No such test clock', 'testClockId');
  const t = await repo.findTenant(ctx.core, tenantId);
  if (!t || t.status === 'DELETED') return refuse('NOT_FOUND', 'No such tenant', 'tenantId');
  if (t.testClockId && t.testClockId !== c.id) return refuse('INVALID_STATE', 'The tenant is on another test clock', 'tenantId');
  if (c.frozenTime.getTime() < clock.processNow().getTime() - 60_000) return refuse('INVALID_STATE', 'The clock is behind real time: the tenant’s data would move back in time. Make a new clock.', 'testClockId');
  if (c.advancingTo) return refuse('CLOCK_BUSY', 'The clock is being advanced');
  await repo.attach(ctx.core, t.id, c.id);
  ctx.platform.clocks.forget(t.id);
  await ctx.audit({ action: 'testclock.attach', tenantId: t.id, targetType: 'TestClock', targetId: c.id, details: {} });
  return { testClock: await repo.findClock(ctx.core, c.id), advance: null, userErrors: [] };
}

export async function deleteTestClock(ctx: SubgraphContext, clockId: string) {
  if (!isUuid(clockId)) return notFound('id');
  if (!enabled(ctx)) return disabled();
  const c = await repo.findClock(ctx.core, clockId);
  if (!c) return refuse('NOT_FOUND', 'No such test clock', 'id');
  if (c.tenants.length) return refuse('INVALID_STATE', `The clock has ${c.tenants.length} tenant(s): delete or purge them first`, 'id');
  if (!(await repo.deleteClock(ctx.core, c.id)).count) return refuse('CLOCK_BUSY', 'The clock changed meanwhile; try again');
  await ctx.audit({ action: 'testclock.delete', tenantId: null, targetType: 'TestClock', targetId: c.id, details: {} });
  return { testClock: c, advance: null, userErrors: [] };
}

export interface AdvanceReport {
  from: Date;
  to: Date;
  steps: number;
  runs: { work: string; runs: number; failed: number }[];
  milliseconds: number;
}

/** The next IST midnight after `t`. */
function nextMidnight(t: Date): Date {
  return istDayStart(addDays(istDay(t), 1));
}

/** Runs everything that fell due between the clock's time and `to`, in order; the clock ends at `to`. */
export async function advanceClock(platform: Platform, clockId: string, from: Date, to: Date): Promise<AdvanceReport> {
  const started = performance.now();
  const work = registeredWork();
  const counts = new Map<string, { runs: number; failed: number }>();
  const count = (name: string, failed: boolean) => {
    const c = counts.get(name) ?? { runs: 0, failed: 0 };
    c.runs++;
    if (failed) c.failed++;
    counts.set(name, c);
  };
  let t = from;
  let steps = 0;
  try {
    for (; steps < MAX_STEPS; ) {
      const tenants = await repo.activeTenants(platform.core, clockId);
      const midnight = nextMidnight(t);
      const due = await platform.work.nextDue(tenants, to);
      const at = earliest(due && (due < t ? t : due), midnight <= to ? midnight : null);
      if (!at) break;
      steps++;
      const crossed = istDay(at).getTime() !== istDay(t).getTime();
      t = at;
      await repo.setFrozen(platform.core, clockId, t);
      const moment = t;
      await clock.at(moment, async () => {
        // A new IST day: platform billing's day for every tenant of the clock (suspended ones too).
        if (crossed) {
          const all = await repo.allTenants(platform.core, clockId);
          const day = istToday(moment);
          for (const [name, daily] of work.daily) {
            try {
              await daily(platform, all, day);
              count(name, false);
            } catch (err) {
              platform.logger.error({ err, clockId, day }, `${name} failed on a test clock`);
              count(name, true);
            }
          }
        }
        const dueNow = await platform.work.dueAt(await repo.activeTenants(platform.core, clockId), moment);
        for (const kind of KINDS) {
          const run = work.tenant.get(kind);
          for (const d of dueNow.filter((x) => x.kind === kind)) {
            await platform.work.hold(d.tenantId, kind);
            let next: Date | null = null;
            let failed = false;
            try {
              next = run ? await run(platform, d.tenantId, moment) : null;
            } catch (err) {
              failed = true;
              platform.logger.error({ err, clockId, tenantId: d.tenantId, kind }, `${kind} work failed on a test clock`);
              next = new Date(moment.getTime() + 5 * 60_000);
            }
            // Work that says it is due again at once waits a minute (an advance always moves on).
            await platform.work.done(d.tenantId, kind, next && next <= moment ? new Date(moment.getTime() + 60_000) : next);
            count(kind, failed);
          }
        }
      });
    }
    // Past the bound on stops the clock stays where the work stopped (the answer's `to` says where):
    // advancing again goes on from there, so no due work is ever skipped.
    if (t < to && steps < MAX_STEPS) {
      t = to;
      await repo.setFrozen(platform.core, clockId, to);
    }
  } finally {
    await repo.finishAdvance(platform.core, clockId);
  }
  return { from, to: t, steps, runs: [...counts].map(([w, c]) => ({ work: w, ...c })), milliseconds: Math.round(performance.now() - started) };
}

export async function advanceTestClock(ctx: SubgraphContext, clockId: string, to: Date) {
  if (!isUuid(clockId)) return notFound('id');
  if (!enabled(ctx)) return disabled();
  const c = await repo.findClock(ctx.core, clockId);
  if (!c) return refuse('NOT_FOUND', 'No such test clock', 'id');
  if (c.advancingTo) return refuse('CLOCK_BUSY', 'The clock is being advanced by another call; try again when it is done');
  if (to <= c.frozenTime) return refuse('INVALID_INPUT', 'A test clock only moves forward: give a later time', 'to');
  if (to.getTime() - c.frozenTime.getTime() > 2 * YEAR_MS) return refuse('INVALID_INPUT', 'At most 2 years in one advance', 'to');
  if (!(await repo.claimAdvance(ctx.core, c.id, c.frozenTime, to))) return refuse('CLOCK_BUSY', 'The clock is being advanced by another call; try again when it is done');
  const report = await advanceClock(ctx.platform, c.id, c.frozenTime, to);
  await ctx.audit({ action: 'testclock.advance', tenantId: null, targetType: 'TestClock', targetId: c.id, details: { from: report.from.toISOString(), to: report.to.toISOString(), steps: report.steps } });
  return { testClock: await repo.findClock(ctx.core, c.id), advance: report, userErrors: [] };
}
