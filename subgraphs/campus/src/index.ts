// The campus subgraph: libraries, seats and shifts, students, allocations and the waitlist,
// attendance, analytics and live subscriptions — one folder per area, each with its SDL, resolvers,
// service and repository (shared/: the request scope, loaders and time rules the areas share; jobs/:
// the sweep). This file puts the areas together.
import { fileURLToPath } from 'node:url';
import { DateScalar, DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { allocationsResolvers } from './allocations/allocations.resolvers.ts';
import { analyticsResolvers } from './analytics/analytics.resolvers.ts';
import { attendanceResolvers } from './attendance/attendance.resolvers.ts';
import { librariesResolvers } from './libraries/libraries.resolvers.ts';
import { campusLive, liveResolvers } from './live/live.resolvers.ts';
import { seatsResolvers } from './seats/seats.resolvers.ts';
import { studentsResolvers } from './students/students.resolvers.ts';
// Provides this subgraph's ports (runtime ports.ts) wherever the module is loaded.
import './ports.ts';

export const campusSubgraph: SubgraphModule = {
  name: 'campus',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers(
    { DateTime: DateTimeScalar, Date: DateScalar },
    librariesResolvers,
    seatsResolvers,
    studentsResolvers,
    allocationsResolvers,
    attendanceResolvers,
    analyticsResolvers,
    liveResolvers,
  ),
  live: campusLive,
};
export { startCampusSweeper, sweepOnce } from './jobs/sweeper.ts';
