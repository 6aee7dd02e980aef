// The demo tenant's admissions (gateway/src/seed.ts calls this on first start): leads in every
// stage of the board, made through the same services the API uses, so a newcomer sees a working
// pipeline — enquiries from the website and the QR poster, a call, a follow-up due tomorrow, a visit,
// a conversion with a seat (and its first dues) that came through a student's referral code, and a
// lost lead with its reason.
import { addDays, clock, istDay, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { scheduleFollowUp } from '../followups/followups.service.ts';
import { referralCodeOf } from '../referrals/referral-code.ts';
import { convertLead } from './conversion.service.ts';
import { createLead, logActivity, moveLead, stageByKey } from './leads.service.ts';

export async function seedDemoAdmissions(ctx: SubgraphContext, s: RequestScope, a: { libraryId: string; shiftId: string; seatId: string; referrerId: string }) {
  const add = async (name: string, phone: string, source: 'WEBSITE' | 'QR_POSTER' | 'WALK_IN' | 'PHONE_CALL' | 'WHATSAPP', message: string, referralCode?: string) => {
    const r = await createLead(ctx, s, { libraryId: a.libraryId, name, phone, source, message, consent: true, preferredShiftId: a.shiftId, preferredStartDate: addDays(istDay(), 3), referralCode });
    if (!r.lead) throw new Error(`demo lead ${name}: ${JSON.stringify(r.userErrors)}`);
    return r.lead.id;
  };
  const to = async (id: string, key: string, lostReason?: string) => {
    const stage = await stageByKey(s, key);
    const r = await moveLead(ctx, s, id, stage.id, lostReason);
    if (!r.lead) throw new Error(`demo lead move to ${key}: ${JSON.stringify(r.userErrors)}`);
  };
  await add('Kiran Jadhav', '9198700001', 'WEBSITE', 'Is there an AC seat for the morning shift?');
  await add('Pooja Shinde', '9198700002', 'QR_POSTER', 'Saw the poster at the door');
  await add('Aditya Kale', '9198700003', 'WHATSAPP', 'Fees for full day?');
  const called = await add('Neha Pawar', '9198700004', 'PHONE_CALL', 'Preparing for MPSC, wants a quiet seat');
  await logActivity(s, called, 'CALL', 'Explained the fees; she will visit on Sunday');
  await to(called, 'CONTACTED');
  const visit = await add('Rahul Gaikwad', '9198700005', 'WEBSITE', 'Can I see the place first?');
  await logActivity(s, visit, 'CALL', 'Visit fixed for tomorrow 5 pm');
  await to(visit, 'VISIT_SCHEDULED');
  await scheduleFollowUp(ctx, s, visit, new Date(clock.now().getTime() + 86_400_000), 'Call if he does not come by 5:30 pm', null);
  const visited = await add('Sana Khan', '9198700006', 'WALK_IN', 'Walked in with a friend');
  await logActivity(s, visited, 'VISIT', 'Saw the AC hall; liked seat A21');
  await to(visited, 'VISITED');
  const won = await add('Omkar Bhosale', '9198700007', 'WEBSITE', 'Joining next week', referralCodeOf(a.referrerId));
  await logActivity(s, won, 'VISIT', 'Visited and paid the deposit at the desk');
  const converted = await convertLead(ctx, s, won, { seatId: a.seatId, shiftId: a.shiftId });
  if (converted.userErrors.length) throw new Error(`demo conversion: ${JSON.stringify(converted.userErrors)}`);
  const lost = await add('Tanvi More', '9198700008', 'PHONE_CALL', 'Asked about night shift');
  await to(lost, 'LOST', 'Needs a night shift; we close at 23:00');
}
