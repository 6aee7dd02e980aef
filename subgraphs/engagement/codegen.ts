// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  Lead: '../leads/leads.repository.ts#LeadRow',
  LeadStage: '../leads/leads.repository.ts#StageRow',
  LeadEvent: '../leads/leads.repository.ts#EventRow',
  LeadFollowUp: '../followups/followups.repository.ts#FollowUpRow',
  Referral: '../referrals/referrals.repository.ts#ReferralRow',
  ReferralReward: '../referrals/referrals.repository.ts#RewardRow',
  ReferralSettings: '../referrals/referrals.service.ts#ReferralRule',
  MyReferrals: '../referrals/referrals.service.ts#MyReferralsRow',
  Student: '{ id: string }',
  Ticket: '../tickets/tickets.repository.ts#TicketRow',
  TicketMessage: '../tickets/tickets.repository.ts#TicketMessageRow',
  TicketRule: '../tickets/tickets.repository.ts#TicketRuleRow',
  SavedReply: '../tickets/tickets.repository.ts#SavedReplyRow',
  TicketReportRow: '../tickets/report.service.ts#ReportRow',
  PlatformTicket: '../support/support.repository.ts#PlatformTicketRow',
  PlatformTicketMessage: '../support/support.repository.ts#PlatformMessageRow',
});
