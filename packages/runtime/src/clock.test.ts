import { describe, expect, it } from 'vitest';
import { clock, processOffset } from './clock.ts';

describe('clock', () => {
  it('is the process clock outside a scope, and a frozen time everywhere inside one, across awaits and timers', async () => {
    const frozen = new Date('2031-03-31T18:20:00Z');
    expect(Math.abs(clock.nowMs() - clock.processNow().getTime())).toBeLessThan(50);
    const seen = await clock.at(frozen, async () => {
      await new Promise((r) => setTimeout(r, 5));
      const inner = await Promise.resolve().then(() => clock.now());
      return [clock.now().toISOString(), inner.toISOString(), clock.frozen];
    });
    expect(seen).toEqual([frozen.toISOString(), frozen.toISOString(), true]);
    expect(clock.frozen).toBe(false);
    // A scope whose time is set after it started (a request learning its tenant's clock).
    const later = await clock.scoped(async (freeze) => {
      const before = clock.frozen;
      await Promise.resolve();
      freeze(frozen);
      await new Promise((r) => setTimeout(r, 1));
      return [before, clock.now().toISOString()];
    });
    expect(later).toEqual([false, frozen.toISOString()]);
  });

  it('pins the process clock with STUDYSPOT_NOW (shared by the processes of one run), never in production', () => {
    const env: NodeJS.ProcessEnv = { STUDYSPOT_NOW: '2030-01-31T18:20:00Z', STUDYSPOT_NOW_SINCE: String(Date.UTC(2026, 0, 1)) };
    expect(processOffset(env)).toBe(Date.parse('2030-01-31T18:20:00Z') - Date.UTC(2026, 0, 1));
    const fresh: NodeJS.ProcessEnv = { STUDYSPOT_NOW: '2030-01-31T18:20:00Z' };
    processOffset(fresh);
    expect(Number(fresh.STUDYSPOT_NOW_SINCE)).toBeGreaterThan(0);
    expect(() => processOffset({ STUDYSPOT_NOW: 'tomorrow' })).toThrow(/STUDYSPOT_NOW: not a date and time/);
    expect(() => processOffset({ STUDYSPOT_NOW: '2030-01-31T18:20:00Z', NODE_ENV: 'production' })).toThrow(/never production/);
    expect(processOffset({})).toBe(0);
  });
});
