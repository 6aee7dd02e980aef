// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each type's parent
// is the row its service returns.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  InsightRow: '@studyspot/runtime#FactRow',
  StudentRisk: '{ studentId: string; libraryId: string; leaveProbability: number; lateProbability: number; reasons: string[] }',
});
