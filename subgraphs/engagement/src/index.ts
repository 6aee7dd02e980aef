// The engagement subgraph: admissions — enquiries, leads, the pipeline and board, conversion into
// students (leads/), the funnel (reports/), the live board (live/) — follow-ups on leads with their due-work notices (followups/, jobs/),
// referrals with their rewards (referrals/), and the help desk — tickets, SLAs, assignment, saved
// replies, the report (tickets/) with automatic triage (triage/) — and the platform's support queue
// (support/: tenants' tickets to StudySpot, in the core database). Each
// area has its SDL, resolvers, service and repository; this file puts them together.
import { fileURLToPath } from 'node:url';
import { DateScalar, DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { followUpsResolvers } from './followups/followups.resolvers.ts';
import { leadsResolvers } from './leads/leads.resolvers.ts';
import { engagementLive, liveResolvers } from './live/live.resolvers.ts';
import { referralsResolvers } from './referrals/referrals.resolvers.ts';
import { reportsResolvers } from './reports/reports.resolvers.ts';
import { supportResolvers } from './support/support.resolvers.ts';
import { ticketsResolvers } from './tickets/tickets.resolvers.ts';
import './ports.ts';

export const engagementSubgraph: SubgraphModule = {
  name: 'engagement',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers({ DateTime: DateTimeScalar, Date: DateScalar }, leadsResolvers, followUpsResolvers, referralsResolvers, ticketsResolvers, supportResolvers, reportsResolvers, liveResolvers),
  live: engagementLive,
};
export { engagementSweepOnce, startEngagementSweeper } from './jobs/sweeper.ts';
export { seedDemoAdmissions } from './leads/demo.service.ts';
export { demoReferral } from './referrals/rewards.service.ts';
export { seedDemoTickets } from './tickets/demo.service.ts';
