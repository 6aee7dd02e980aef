// Conversion: a lead becomes a student (made, or the one with its phone), optionally with a seat
// whose allocation raises the first dues — through campus's `admit`, the one write admissions makes
// in campus. Idempotent and safe under races:
//   - a conversion claims the lead (a conditional update); a concurrent one waits for it, bounded,
//     and answers the same student; a claim older than CLAIM_LAPSE_MS (its process died) may be taken;
//   - every step of `admit` finds what an earlier attempt made before making anything, so a
//     conversion retried after a failure half-way makes nothing twice;
//   - the lead is marked won, linked to its student, only when that is done (with its timeline entry).
import { randomUUID } from 'node:crypto';
import { clock, isUuid, istDay, monthEnd, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { referConvertedLead } from '../referrals/referrals.service.ts';
import * as repo from './leads.repository.ts';
import { actorOf } from '../shared/scope.ts';
import { publishLeadChange, stageByKey, visibleLead } from './leads.service.ts';

export const CLAIM_LAPSE_MS = 60_000;
const WAIT_MS = 15_000;
const POLL_MS = 100;

export interface ConvertSeat {
  seatId: string;
  shiftId: string;
  startDate?: Date | null;
  endDate?: Date | null;
  pricePaise?: number | null;
}

const none = { lead: null, student: null, allocation: null, createdStudent: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer for a converted lead (its student and allocation as references campus resolves). */
const converted = (lead: repo.LeadRow, createdStudent: boolean) => ({
  lead,
  student: lead.studentId ? { id: lead.studentId } : null,
  allocation: lead.allocationId ? { id: lead.allocationId } : null,
  createdStudent,
  userErrors: [],
});

export async function convertLead(ctx: SubgraphContext, s: RequestScope, id: string, seat: ConvertSeat | null | undefined) {
  let lead = await visibleLead(s, id);
  if (!lead) return { ...none, ...fail('NOT_FOUND', 'No such lead', 'id') };
  if (lead.convertedAt) {
    // A retry after a conversion that stopped before its referral was recorded records it (once).
    await referConvertedLead(s, lead);
    return converted(lead, false);
  }
  if (lead.closedAt) return { ...none, ...fail('INVALID_STATE', 'The lead was lost; move it back to an open stage first', 'id') };
  if (seat && (!isUuid(seat.seatId) || !isUuid(seat.shiftId))) return { ...none, ...fail('NOT_FOUND', 'No such seat or shift', 'seat') };
  const startDate = seat?.startDate ?? lead.preferredStartDate ?? istDay();
  const endDate = seat?.endDate ?? monthEnd(startDate);
  const claim = randomUUID();
  const deadline = performance.now() + WAIT_MS; // a bounded wait: monotonic time, not the rules' clock
  // Wait (bounded) while another conversion of the lead runs; then answer what it made.
  while (!(await repo.claimConversion(s.db, lead.id, claim, clock.now(), new Date(clock.now().getTime() - CLAIM_LAPSE_MS)))) {
    lead = (await repo.findLead(s.db, lead.id))!;
    if (lead.convertedAt) return converted(lead, false);
    if (performance.now() > deadline) return { ...none, ...fail('CONVERSION_IN_PROGRESS', 'Another conversion of this lead is running; try again in a moment', 'id') };
    await sleep(POLL_MS);
  }
  try {
    const admitted = await ports.campus.admit(ctx, s.tenantId, {
      name: lead.name,
      phone: lead.phone,
      email: lead.email,
      libraryId: lead.libraryId,
      seat: seat ? { seatId: seat.seatId, shiftId: seat.shiftId, startDate, endDate, pricePaise: seat.pricePaise } : null,
    });
    if ('error' in admitted) {
      const e = admitted.error;
      return { ...none, ...fail(e.code === 'DUPLICATE' ? 'INVALID_STATE' : e.code, e.message, ...(seat ? ['seat', ...(e.field?.slice(-1) ?? [])] : ['id'])) };
    }
    const won = await stageByKey(s, 'WON');
    const at = clock.now();
    const body = `${admitted.createdStudent ? 'Registered as a student' : 'Linked to the student with this phone'}${admitted.allocationId ? ', with a seat' : ''}`;
    await repo.completeConversion(s.db, lead.id, claim, { studentId: admitted.studentId, allocationId: admitted.allocationId, stageId: won.id, at, actorId: actorOf(s), body });
    if (await referConvertedLead(s, { ...lead, studentId: admitted.studentId })) {
      await repo.addEvent(s.db, { leadId: lead.id, kind: 'NOTE', actorId: actorOf(s), body: 'Referral recorded: the referrer earns their reward when the first fee is paid', at });
    }
    await publishLeadChange(ctx, s.tenantId, lead);
    await ctx.audit({ action: 'lead.convert', targetType: 'Lead', targetId: lead.id, tenantId: s.tenantId, details: { studentId: admitted.studentId, allocationId: admitted.allocationId } });
    return converted((await repo.findLead(s.db, lead.id))!, admitted.createdStudent);
  } finally {
    // A failed attempt lets the next one (or a retry) run at once; after success this matches nothing.
    await repo.releaseConversion(s.db, lead.id, claim);
  }
}
