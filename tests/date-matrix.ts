// `pnpm test:dates`: the date-sensitive test files again under pinned process clocks (STUDYSPOT_NOW,
// runtime clock.ts), so a suite that passes today also passes in a 31-, 30-, 29- and 28-day month, at
// a month end and at 23:50 IST (when the IST and UTC days differ). Each date is the next one of its
// kind after now, so the matrix never pins a date in the past. `.ci/run` runs it after `pnpm test`.
import { spawnSync } from 'node:child_process';

const FILES = [
  'tests/billing.test.ts',
  'tests/billing-webhooks.test.ts',
  'tests/billing-gateways.test.ts',
  'tests/billing-concurrency.test.ts',
  'tests/auto-messages.test.ts',
  'tests/live.test.ts',
  'tests/platform-billing.test.ts',
  'tests/hardening.test.ts',
  'tests/campus.test.ts',
  'tests/test-clocks.test.ts',
  // A referral reward counts against the IST month of the payment (the monthly cap).
  'tests/engagement-referrals.test.ts',
  // Insights roll up by IST day and month; at 23:50 IST the IST and UTC days differ.
  'tests/insights.test.ts',
];

/** The next instant after now that is month/day at hh:mm UTC (a leap day only in leap years). */
function next(month: number, day: number, utc: string): Date {
  const now = Date.now();
  for (let y = new Date(now).getUTCFullYear(); ; y++) {
    const at = new Date(`${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${utc}:00Z`);
    if (at.getUTCMonth() === month - 1 && at.getTime() > now + 86_400_000) return at;
  }
}

const dates: [string, Date][] = [
  ['31-day month, its last day at 23:50 IST', next(1, 31, '18:20')],
  ['30-day month, its last day at noon IST', next(4, 30, '06:30')],
  ['29-day month (a leap February), its last day', next(2, 29, '04:30')],
  ['28-day month, its last day at 23:50 IST', next(2, 28, '18:20')],
];

const only = process.argv.slice(2).filter((a) => a.endsWith('.ts'));
const failures: string[] = [];
for (const [what, at] of dates) {
  console.log(`\ndate matrix: ${what}: STUDYSPOT_NOW=${at.toISOString()}`);
  const r = spawnSync('pnpm', ['exec', 'vitest', 'run', ...(only.length ? only : FILES)], {
    stdio: ['inherit', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, STUDYSPOT_NOW: at.toISOString(), STUDYSPOT_NOW_SINCE: String(Date.now()) },
  });
  const out = r.stdout?.toString() ?? '';
  process.stdout.write(out);
  if (r.status !== 0) {
    // CI keeps the end of the log: say there which tests failed under which date.
    // eslint-disable-next-line no-control-regex
    const failed = out.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => /^\s*(×|FAIL)\s/.test(l)).map((l) => l.trim());
    failures.push(`${what} (${at.toISOString()}): ${failed.length ? `\n  ${[...new Set(failed)].join('\n  ')}` : `exit ${r.status}`}`);
  }
}
console.log(`\ndate matrix: ${dates.length - failures.length} of ${dates.length} dates passed`);
for (const f of failures) console.log(`date matrix failed: ${f}`);
process.exit(failures.length ? 1 : 0);
