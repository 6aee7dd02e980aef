// Rules about dues beyond generating them (dues.sync.ts): discounts and waivers by staff, the
// tenant's late-fee rule applied by the sweep, and the billing settings. Every change is audited.
import type { TenantPrisma } from '@studyspot/db';
import { clock, isUuid, topics } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { canSee, type BillingScope } from '../shared/scope.ts';
import { inTransaction } from '../shared/transactions.repository.ts';
import * as repo from './dues.repository.ts';
import { daysOverdue, overdueDues } from './dues.repository.ts';
import { istDay } from './dates.ts';

export async function adjustDue(s: BillingScope, input: { dueId: string; kind: 'DISCOUNT' | 'WAIVER' | 'LATE_FEE' | 'DISCOUNT_REVERSED'; amountPaise?: number | null; reason: string; idempotencyKey?: string | null }) {
  const reason = input.reason.trim();
  if (!reason) return fail('INVALID_INPUT', 'Say why', 'input', 'reason');
  const key = input.idempotencyKey?.trim() || null;
  if (key !== null && key.length < 8) return fail('INVALID_INPUT', 'idempotencyKey: at least 8 characters, the same for a retry of the same adjustment', 'input', 'idempotencyKey');
  // The same key again returns the due as it is (the adjustment was made once).
  const replay = async () => {
    const prior = key ? await repo.adjustmentByKey(s.db, key) : null;
    if (!prior) return null;
    if (prior.dueId !== input.dueId || prior.kind !== input.kind) return fail('INVALID_INPUT', 'This idempotencyKey was used for another adjustment', 'input', 'idempotencyKey');
    return { due: await repo.findDueOrThrow(s.db, prior.dueId), userErrors: [] };
  };
  if (input.kind === 'LATE_FEE') return fail('INVALID_INPUT', 'Late fees come from the late-fee rule; give a DISCOUNT or a WAIVER', 'input', 'kind');
  if (input.kind === 'DISCOUNT_REVERSED') return fail('INVALID_INPUT', 'A discount is taken back only when its referral reward is (a refunded first payment); give a DISCOUNT or a WAIVER', 'input', 'kind');
  const due = isUuid(input.dueId) ? await repo.findDue(s.db, input.dueId) : null;
  if (!due || !canSee(s, due)) return fail('NOT_FOUND', 'No such due', 'input', 'dueId');
  const again = await replay();
  if (again) return again;
  let amount = 0;
  const result = await inTransaction(s.db, async (tx) => {
    // Under the due's lock: a concurrent twin with the same key waits here and then finds it.
    const locked = await repo.lockDue(tx, due.id);
    if (key && (await repo.adjustmentByKey(tx, key))) return null;
    if (!locked || locked.status !== 'OPEN' || locked.balance <= 0) return fail('INVALID_STATE', 'Nothing is owed on this due');
    amount = input.kind === 'WAIVER' ? locked.balance : input.amountPaise ?? 0;
    if (!Number.isInteger(amount) || amount <= 0 || amount > locked.balance) return fail('INVALID_INPUT', `A discount is 1 to ${locked.balance} paise (what is still owed)`, 'input', 'amountPaise');
    const kind = input.kind as 'DISCOUNT' | 'WAIVER';
    return { due: await repo.adjust(tx, { dueId: due.id, kind, amountPaise: amount, reason, actorId: s.ctx.claims!.sub, idempotencyKey: key, settles: amount === locked.balance }), userErrors: [] };
  });
  if (result === null) return (await replay())!;
  if ('due' in result) await s.ctx.audit({ action: `due.${input.kind.toLowerCase()}`, targetType: 'Due', targetId: due.id, tenantId: s.tenantId, details: { amountPaise: amount, reason } });
  return result;
}

export async function billingSettings(db: TenantPrisma) {
  return (await repo.settingsRow(db)) ?? { lateFeeKind: 'NONE' as const, lateFeePaise: 0, lateFeeGraceDays: 0, lateFeeCapPaise: null };
}

export async function updateBillingSettings(s: BillingScope, input: { lateFeeKind: 'NONE' | 'FLAT' | 'PER_DAY'; lateFeePaise: number; lateFeeGraceDays: number; lateFeeCapPaise?: number | null }) {
  if (!Number.isInteger(input.lateFeePaise) || input.lateFeePaise < 0 || input.lateFeePaise > 10_000_000) return fail('INVALID_INPUT', 'lateFeePaise is 0 to 10,000,000', 'input', 'lateFeePaise');
  if (!Number.isInteger(input.lateFeeGraceDays) || input.lateFeeGraceDays < 0 || input.lateFeeGraceDays > 90) return fail('INVALID_INPUT', 'lateFeeGraceDays is 0 to 90', 'input', 'lateFeeGraceDays');
  if (input.lateFeeCapPaise != null && (!Number.isInteger(input.lateFeeCapPaise) || input.lateFeeCapPaise < 0)) return fail('INVALID_INPUT', 'lateFeeCapPaise is 0 or more', 'input', 'lateFeeCapPaise');
  const data = { lateFeeKind: input.lateFeeKind, lateFeePaise: input.lateFeePaise, lateFeeGraceDays: input.lateFeeGraceDays, lateFeeCapPaise: input.lateFeeCapPaise ?? null };
  const settings = await repo.saveSettings(s.db, data);
  await s.ctx.audit({ action: 'billing.settings.update', tenantId: s.tenantId, details: data });
  return { settings, userErrors: [] };
}

/** The late fee a due should carry today under the rule (0 within the grace days). */
export function lateFeeFor(rule: Awaited<ReturnType<typeof billingSettings>>, days: number): number {
  const late = days - rule.lateFeeGraceDays;
  if (late <= 0 || rule.lateFeeKind === 'NONE') return 0;
  const fee = rule.lateFeeKind === 'FLAT' ? rule.lateFeePaise : rule.lateFeePaise * late;
  return rule.lateFeeCapPaise == null ? fee : Math.min(fee, rule.lateFeeCapPaise);
}

/**
 * The sweep's part: announce each due the first time it is overdue, and bring its late fee (one
 * LATE_FEE adjustment per due, raised as days pass) up to what the rule says. Idempotent per day.
 */
export async function chargeOverdue(db: TenantPrisma, tenantId: string, publish: (topic: string, p: object) => Promise<void>, today = istDay()): Promise<{ overdue: number; lateFeesPaise: number }> {
  const rule = await billingSettings(db);
  let lateFeesPaise = 0;
  const dues = await overdueDues(db, today);
  for (const due of dues) {
    const wanted = lateFeeFor(rule, daysOverdue(due, today));
    const charged = await inTransaction(db, (tx) => repo.raiseLateFee(tx, due.id, wanted, `late fee: ${daysOverdue(due, today)} days overdue`));
    lateFeesPaise += charged;
    if (!due.overdueNotifiedAt) {
      if (await repo.markOverdueNotified(db, due.id, clock.now())) await publish(topics.tenant(tenantId), { type: 'DUE_OVERDUE', dueId: due.id, studentId: due.studentId, libraryId: due.libraryId, daysOverdue: daysOverdue(due, today) });
    }
  }
  return { overdue: dues.length, lateFeesPaise };
}
