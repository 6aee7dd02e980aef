// The admissions funnel: per source and branch, of the leads that first asked in a period — how
// many, first contact within 24 h, visits, conversions and their rate, median days to convert, lost
// reasons, and what the converted paid in their first 90 days (billing answers through its port).
// Rates are in percent with one decimal; money in paise.
import { addDays, badInput, daysBetween, groupBy, istDayStart, isUuid, percent, ports, type RequestScope } from '@studyspot/runtime';
import { funnelFacts, type FunnelFact } from './reports.repository.ts';

const DAY_MS = 86_400_000;
const FIRST_MONTHS_MS = 90 * DAY_MS;

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return Math.round((s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2) * 10) / 10;
}

function row(facts: FunnelFact[], paid: Map<string, number>) {
  const converted = facts.filter((f) => f.convertedAt);
  const lost = facts.filter((f) => f.closedAt && !f.convertedAt);
  const reasons = [...groupBy(lost, (f) => f.lostReason ?? '(none given)')].map(([reason, fs]) => ({ reason, count: fs.length })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const contacted = facts.filter((f) => f.firstContactAt && f.firstContactAt.getTime() - f.createdAt.getTime() <= DAY_MS).length;
  return {
    leads: facts.length,
    contactedWithin24h: contacted,
    contactedWithin24hPercent: percent(contacted, facts.length),
    visits: facts.filter((f) => f.visitedAt).length,
    conversions: converted.length,
    conversionRatePercent: percent(converted.length, facts.length),
    medianDaysToConvert: median(converted.map((f) => (f.convertedAt!.getTime() - f.createdAt.getTime()) / DAY_MS)),
    lost: lost.length,
    lostReasons: reasons,
    firstThreeMonthsPaidPaise: converted.reduce((sum, f) => sum + (paid.get(f.studentId!) ?? 0), 0),
  };
}

export async function leadFunnel(s: RequestScope, from: Date, to: Date, libraryId: string | null | undefined) {
  if (to < from) throw badInput('to is before from', 'to');
  if (daysBetween(from, to) > 366) throw badInput('A funnel covers at most 366 days', 'to');
  const lib = libraryId ?? null;
  const facts = lib && !isUuid(lib) ? [] : await funnelFacts(s.db, istDayStart(from), istDayStart(addDays(to, 1)), s.libraryIds, lib);
  const windows = facts.filter((f) => f.convertedAt && f.studentId).map((f) => ({ studentId: f.studentId!, from: f.convertedAt!, to: new Date(f.convertedAt!.getTime() + FIRST_MONTHS_MS) }));
  const paid = await ports.billing.paidInWindows(s.db, windows);
  const groups = groupBy(facts, (f) => `${f.source}|${f.libraryId}`);
  const rows = [...groups.values()]
    .map((fs) => ({ source: fs[0]!.source, library: { id: fs[0]!.libraryId }, ...row(fs, paid) }))
    .sort((a, b) => b.leads - a.leads || a.source.localeCompare(b.source) || a.library.id.localeCompare(b.library.id));
  return { from, to, rows, total: { source: null, library: null, ...row(facts, paid) } };
}

