import { studentsAtRisk } from './risk.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const riskResolvers: Resolvers = {
  Query: {
    studentsAtRisk: async (_p, a, ctx) => studentsAtRisk(await ctx.scope(), a),
  },
  StudentRisk: {
    student: (r) => ({ id: r.studentId }),
    library: (r) => ({ id: r.libraryId }),
  },
};
