// SaaS figures for platform admins: MRR/ARR and ARPU from current subscriptions; churn and trial
// conversion for a month from the subscription audit trail; credits from the ledger.
import type { CorePrisma } from '@studyspot/db';
import { dayOf, istDayStart, ports } from '@studyspot/runtime';
import { margin } from '../credits/ledger.repository.ts';
import { CYCLE_MONTHS } from './periods.ts';
import { allSubscriptions } from './platform.repository.ts';

const monthStart = (month: string) => istDayStart(dayOf(`${month}-01`));
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}`;
};

export async function saasAnalytics(core: CorePrisma, month: string) {
  const from = monthStart(month);
  const to = monthStart(nextMonth(month));
  const subs = await allSubscriptions(core);
  const monthly = (s: (typeof subs)[number]) => s.planVersion.pricePaise / CYCLE_MONTHS[s.planVersion.cycle];
  const paying = subs.filter((s) => (s.status === 'ACTIVE' || s.status === 'PAST_DUE') && s.planVersion.pricePaise > 0);
  const mrr = Math.round(paying.reduce((n, s) => n + monthly(s), 0));
  const statuses = ['TRIALING', 'ACTIVE', 'PAST_DUE', 'PAUSED', 'SUSPENDED', 'CANCELLED'] as const;
  const atStart = subs.filter((s) => s.createdAt < from && !(s.cancelledAt && s.cancelledAt < from));
  const churned = subs.filter((s) => s.cancelledAt && s.cancelledAt >= from && s.cancelledAt < to && s.createdAt < from);
  const mrrAtStart = atStart.reduce((n, s) => n + monthly(s), 0);
  // Conversions and trial cancellations are read from the audit log (identity's, through its port).
  const [converted, trialCancels] = await Promise.all([
    ports.accounts.countActions(core, 'subscription.trial_converted', from, to),
    ports.accounts.countActions(core, 'subscription.cancelled', from, to, 'TRIALING'),
  ]);
  const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 10_000) / 10_000 : 0);
  return {
    month,
    mrrPaise: mrr,
    arrPaise: mrr * 12,
    byStatus: statuses.map((status) => ({ status, count: subs.filter((s) => s.status === status).length })),
    payingTenants: paying.length,
    arpuPaise: paying.length ? Math.round(mrr / paying.length) : 0,
    logoChurn: ratio(churned.length, atStart.length),
    revenueChurn: ratio(churned.reduce((n, s) => n + monthly(s), 0), mrrAtStart),
    trialConversion: ratio(converted, converted + trialCancels),
    credits: await margin(core, from, to),
  };
}
