// SMS to a lead: only through a DLT template the tenant's header has approved (communications checks
// and sends, holding credits), and only to a lead who agreed to be contacted. The message goes on
// the lead's timeline and counts as a first contact.
import { clock, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import * as repo from './leads.repository.ts';
import { actorOf } from '../shared/scope.ts';
import { visibleLead } from './leads.service.ts';

export async function textLead(ctx: SubgraphContext, s: RequestScope, id: string, i: { templateId: string; vars: string[]; idempotencyKey: string }) {
  const none = { lead: null, smsStatus: null };
  const lead = await visibleLead(s, id);
  if (!lead) return { ...none, ...fail('NOT_FOUND', 'No such lead', 'id') };
  if (!lead.consent) return { ...none, ...fail('CONSENT_REQUIRED', 'The lead has not agreed to be contacted', 'id') };
  const sent = await ports.messages.sms(ctx, s.tenantId, s.db, { templateId: i.templateId, vars: i.vars, phone: lead.phone, idempotencyKey: `lead:${lead.id}:${i.idempotencyKey}` });
  if ('error' in sent) return { ...none, ...fail(sent.error.code === 'DUPLICATE' ? 'INVALID_STATE' : sent.error.code, sent.error.message, ...(sent.error.code === 'NOT_FOUND' || sent.error.code === 'TEMPLATE_NOT_APPROVED' ? ['templateId'] : [])) };
  const now = clock.now();
  await repo.addEvent(s.db, { leadId: lead.id, kind: 'MESSAGE', actorId: actorOf(s), body: `SMS (${sent.status.toLowerCase()}): template ${i.templateId}`, at: now });
  await repo.setFirstContact(s.db, lead.id, now);
  return { lead: await repo.findLead(s.db, lead.id), smsStatus: sent.status, userErrors: [] };
}
