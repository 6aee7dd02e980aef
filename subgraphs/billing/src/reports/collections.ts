// The collections report: money captured between two IST days (both included), by day, method,
// gateway and library, with what refunds took back, what the gateways charged, and what routing
// saved against always using one gateway (each online payment's fee under every connected gateway's
// rule, against the fees actually paid).
import type { TenantPrisma } from '@studyspot/db';
import { addDays, badInput, dayOf, daysBetween, formatDate, istDay, istDayStart } from '@studyspot/runtime';
import { providerEnum } from '../providers/provider.ts';
import { gatewayFee } from '../providers/money.ts';
import { feeTerms } from '../providers/providers.repository.ts';
import { capturedBetween } from '../payments/payments.repository.ts';

export const MAX_REPORT_DAYS = 366;

interface Group<K extends string = string> {
  key: K;
  count: number;
  amountPaise: number;
}

export async function collections(db: TenantPrisma, range: { from: Date; to: Date }, where: { libraryIds: string[] | null }) {
  if (range.to < range.from) throw badInput('to is before from', 'to');
  if (daysBetween(range.from, range.to) >= MAX_REPORT_DAYS) throw badInput(`from and to may span at most ${MAX_REPORT_DAYS} days`, 'to');
  const start = istDayStart(range.from);
  const end = istDayStart(addDays(range.to, 1));
  const libs = where.libraryIds;
  const payments = await capturedBetween(db, start, end, libs);
  const groups = <K extends string>(key: (p: (typeof payments)[number]) => K): Group<K>[] => {
    const m = new Map<K, Group<K>>();
    for (const p of payments) {
      const k = key(p);
      const g = m.get(k) ?? { key: k, count: 0, amountPaise: 0 };
      g.count++;
      g.amountPaise += p.amountPaise;
      m.set(k, g);
    }
    return [...m.values()].sort((a, b) => a.key.localeCompare(b.key));
  };
  const online = payments.filter((p) => p.channel === 'ONLINE');
  const accounts = await feeTerms(db);
  const actualFees = online.reduce((t, p) => t + p.feePaise, 0);
  const ifAlways = accounts
    .map((a) => {
      const fees = online.reduce((t, p) => t + gatewayFee(p.amountPaise, { percentBp: a.feePercentBp, fixedPaise: a.feeFixedPaise }), 0);
      return { provider: providerEnum(a.provider), feePaise: fees, savedPaise: fees - actualFees };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider));
  const byGateway = groups((p) => p.provider).map((g) => ({ ...g, feePaise: payments.filter((p) => p.provider === g.key).reduce((t, p) => t + p.feePaise, 0) }));
  const amountPaise = payments.reduce((t, p) => t + p.amountPaise, 0);
  const refundedPaise = payments.reduce((t, p) => t + p.refundedPaise, 0);
  return {
    from: range.from,
    to: range.to,
    paymentCount: payments.length,
    amountPaise,
    refundedPaise,
    gatewayFeesPaise: actualFees,
    netPaise: amountPaise - refundedPaise - actualFees,
    byDay: groups((p) => formatDate(istDay(p.capturedAt!))).map((g) => ({ date: dayOf(g.key), count: g.count, amountPaise: g.amountPaise })),
    byMethod: groups((p) => p.method).map((g) => ({ method: g.key, count: g.count, amountPaise: g.amountPaise })),
    byGateway: byGateway.map((g) => ({ gateway: g.key, count: g.count, amountPaise: g.amountPaise, feePaise: g.feePaise })),
    byLibrary: groups((p) => p.libraryId ?? '').map((g) => ({ libraryId: g.key || null, count: g.count, amountPaise: g.amountPaise })),
    routing: { onlinePayments: online.length, actualFeesPaise: actualFees, ifAlways },
  };
}
