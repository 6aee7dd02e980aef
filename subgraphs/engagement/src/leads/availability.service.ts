// The availability answer for a lead: which seats are free for the shift and dates it wants (campus
// answers through its port), by default the preferred shift for a month from the preferred start.
import { isUuid, istDay, monthEnd, ports, type RequestScope } from '@studyspot/runtime';
import type { LeadRow } from './leads.repository.ts';

export async function availability(s: RequestScope, lead: LeadRow, a: { shiftId?: string | null; startDate?: Date | null; endDate?: Date | null }) {
  const shiftId = a.shiftId ?? lead.preferredShiftId;
  if (!shiftId || !isUuid(shiftId)) return null;
  const today = istDay();
  const startDate = a.startDate ?? (lead.preferredStartDate && lead.preferredStartDate > today ? lead.preferredStartDate : today);
  const endDate = a.endDate && a.endDate >= startDate ? a.endDate : monthEnd(startDate);
  const seats = await ports.campus.freeSeats(s.db, { libraryId: lead.libraryId, shiftId, from: startDate, to: endDate });
  if (!seats) return null;
  return { shift: { id: shiftId }, startDate, endDate, freeCount: seats.length, seats: seats.map((x) => ({ id: x.id })) };
}
