// The insights subgraph: the data pipeline of daily rollups per library and day built from what
// campus, billing and communications answer through their ports (rollups/, jobs/), and the owner's
// insights read from them — occupancy heatmap, trends, collection efficiency, drill-downs (owner/) —
// forecasts of occupancy and collections with their intervals and backtests (forecasts/), and the
// students at risk of leaving or paying late, with reasons (risk/; their port feeds campaigns), and
// every report as CSV from a signed link (exports/); for platform roles, the executive view from the
// platform's daily rollups (platform/).
// Each area has its SDL, resolvers, service and repository; this file puts them together.
import { fileURLToPath } from 'node:url';
import { DateScalar, DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { exportsResolvers } from './exports/exports.resolvers.ts';
import { forecastsResolvers } from './forecasts/forecasts.resolvers.ts';
import { platformResolvers } from './platform/platform.resolvers.ts';
import { ownerResolvers } from './owner/owner.resolvers.ts';
import { riskResolvers } from './risk/risk.resolvers.ts';
import { rollupsResolvers } from './rollups/rollups.resolvers.ts';
import './ports.ts';

export const insightsSubgraph: SubgraphModule = {
  name: 'insights',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers({ DateTime: DateTimeScalar, Date: DateScalar }, rollupsResolvers, ownerResolvers, forecastsResolvers, riskResolvers, exportsResolvers, platformResolvers),
};
export { insightsSweepOnce, startInsightsSweeper } from './jobs/sweeper.ts';
export { buildDue, buildRange } from './rollups/rollups.service.ts';
export { exportRouter } from './exports/export.router.ts';
