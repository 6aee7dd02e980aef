// The demo tenant's help desk (gateway/src/seed.ts): three tickets of its students, made through the
// services the API uses — one resolved after a public reply and an internal note, one waiting on the
// student, one new in the queue — each triaged by the shipped model.
import type { RequestScope, SubgraphContext } from '@studyspot/runtime';
import { raiseTicket, replyToTicket, setTicketStatus } from './tickets.service.ts';

export async function seedDemoTickets(ctx: SubgraphContext, s: RequestScope, studentIds: string[]) {
  const raise = async (studentId: string, subject: string, body: string) => {
    const r = await raiseTicket(ctx, s, { studentId, subject, body });
    if (!r.ticket) throw new Error(`demo ticket ${subject}: ${JSON.stringify(r.userErrors)}`);
    return r.ticket.id;
  };
  const ac = await raise(studentIds[0]!, 'AC not cooling', 'Main hall ka AC kal se theek se cooling nahi kar raha, bahut garmi hai');
  await replyToTicket(ctx, s, ac, { body: 'Sorry about that — the technician is booked for 4 pm today.' });
  await replyToTicket(ctx, s, ac, { body: 'Cool Air Services, ₹800 per visit; ask them to check the gas too.', internal: true });
  await setTicketStatus(ctx, s, ac, 'RESOLVED');
  const washroom = await raise(studentIds[1]!, 'Washroom dirty', 'The first-floor washroom has not been cleaned since morning and smells bad');
  await replyToTicket(ctx, s, washroom, { body: 'We have sent someone. Is it clean now?', waitForStudent: true });
  await raise(studentIds[2]!, 'Fee shows due', 'I paid this month’s fee by UPI yesterday but the app still shows it as due');
}
