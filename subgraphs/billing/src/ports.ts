// The billing port (runtime ports.ts): SMS credits, an allocation's dues, plan limits and read-only
// money facts, for the other subgraphs. Provided when this module loads.
import { providePorts } from '@studyspot/runtime';
import { billingDayFacts, billingDayRows, billingFirstDay, dueRecords } from './reports/dayfacts.repository.ts';
import { creditDays, paymentDays, subscriptionFacts } from './reports/platform-facts.repository.ts';
import { creditsPort } from './credits/port.ts';
import { openDuesDue, openDuesOf } from './dues/dues.repository.ts';
import { syncAllocationDues } from './dues/dues.sync.ts';
import { discountNextDue, reverseDiscount } from './dues/rewards.service.ts';
import { capturedOfStudentsSince, capturedSince, firstCapturedOf } from './payments/payments.repository.ts';
import { processedRefundsOf } from './refunds/refunds.repository.ts';
import { checkPlanLimit } from './platform/limits.ts';

providePorts({
  billing: {
    dayFacts: (db, range, libraryIds) => billingDayFacts(db, range, libraryIds),
    dayRows: (db, a) => billingDayRows(db, a),
    firstDay: (db) => billingFirstDay(db),
    dueRecords: (db, ids) => dueRecords(db, ids),
    subscriptionFacts,
    paymentDays,
    creditDays,
    credits: (platform) => creditsPort(platform),
    syncAllocationDues,
    checkPlanLimit,
    openDuesOf,
    openDuesDue,
    capturedSince,
    firstPayments: async (db, studentIds) =>
      new Map(studentIds.length ? (await firstCapturedOf(db, studentIds)).map((p) => [p.studentId, { paymentId: p.id, amountPaise: p.amountPaise, capturedAt: p.capturedAt! }]) : []),
    refundsOf: (db, paymentIds) => (paymentIds.length ? processedRefundsOf(db, paymentIds) : Promise.resolve([])),
    discountNextDue,
    reverseDiscount,
    paidInWindows: async (db, windows) => {
      const out = new Map<string, number>();
      if (!windows.length) return out;
      const since = new Date(Math.min(...windows.map((w) => w.from.getTime())));
      const byStudent = new Map(windows.map((w) => [w.studentId, w]));
      for (const p of await capturedOfStudentsSince(db, [...byStudent.keys()], since)) {
        const w = byStudent.get(p.studentId);
        if (w && p.capturedAt && p.capturedAt >= w.from && p.capturedAt < w.to) out.set(p.studentId, (out.get(p.studentId) ?? 0) + p.amountPaise);
      }
      return out;
    },
  },
});
