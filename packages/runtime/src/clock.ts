// The one clock every rule reads ("what time is it for this tenant?"):
// - the process clock: real time, or — outside production, for tests and the CI date matrix —
//   real time shifted so that it read STUDYSPOT_NOW when the run began (it keeps ticking);
// - a test clock's frozen time inside work done for a tenant attached to one (testclocks.ts):
//   requests and sweeps run their tenant's work in `clock.at(frozen, …)` and everything below them —
//   services, repositories, Prisma's @default(now()) and @updatedAt (a patch of @prisma/client reads
//   `globalThis.__studyspotNow`) — sees that time without being handed it.
// Infrastructure that is about the real world keeps real time: token expiry, rate limits, webhook
// signature freshness, leases, metrics.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigError } from './config-error.ts';

interface TimeScope {
  /** The frozen time of the tenant's test clock; null: the process clock. */
  frozen: Date | null;
}

const scope = new AsyncLocalStorage<TimeScope>();

/** The process clock's offset from real time (0 unless STUDYSPOT_NOW pins it). */
export function processOffset(env: NodeJS.ProcessEnv = process.env): number {
  const pinned = env.STUDYSPOT_NOW?.trim();
  if (!pinned) return 0;
  if (env.NODE_ENV === 'production') throw new ConfigError('STUDYSPOT_NOW', 'a pinned clock is for tests and development, never production');
  const at = Date.parse(pinned);
  if (!Number.isFinite(at)) throw new ConfigError('STUDYSPOT_NOW', `not a date and time: ${pinned} (e.g. 2027-01-31T18:20:00Z)`);
  // Every process of one run (vitest workers, spawned servers) shifts by the same amount: the first
  // records when it pinned the clock, and children inherit it.
  const since = Number(env.STUDYSPOT_NOW_SINCE);
  const base = Number.isSafeInteger(since) && since > 0 ? since : Date.now();
  env.STUDYSPOT_NOW_SINCE = String(base);
  return at - base;
}

const offsetMs = processOffset();

export const clock = {
  /** Now for rules: the tenant's test-clock time inside its work, else the process clock. */
  now(): Date {
    const frozen = scope.getStore()?.frozen;
    return frozen ? new Date(frozen.getTime()) : new Date(Date.now() + offsetMs);
  },
  nowMs(): number {
    const frozen = scope.getStore()?.frozen;
    return frozen ? frozen.getTime() : Date.now() + offsetMs;
  },
  /** The process clock, whatever the scope (a test clock's own bookkeeping). */
  processNow(): Date {
    return new Date(Date.now() + offsetMs);
  },
  /** Runs `fn` with time frozen at `at` (null: the process clock) for everything it awaits. */
  at<T>(at: Date | null, fn: () => T): T {
    return scope.run({ frozen: at }, fn);
  },
  /**
   * Runs `fn` in a scope whose time is decided later (a request learns its tenant, and so its test
   * clock, after it started): `freeze` sets it for the rest of the scope.
   */
  scoped<T>(fn: (freeze: (at: Date | null) => void) => T): T {
    const s: TimeScope = { frozen: null };
    return scope.run(s, () => fn((at) => void (s.frozen = at)));
  },
  /** Whether the time read here is a test clock's. */
  get frozen(): boolean {
    return Boolean(scope.getStore()?.frozen);
  },
};

// Prisma's generated values (@default(now()), @updatedAt) read the same clock (patches/@prisma__client).
(globalThis as { __studyspotNow?: () => Date }).__studyspotNow = () => clock.now();
