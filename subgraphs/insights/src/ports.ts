// The insights port (runtime ports.ts): what other subgraphs may ask of insights — the students at
// risk of leaving, for a campaign's audience. Provided when this module loads.
import { providePorts } from '@studyspot/runtime';
import { riskOf } from './risk/risk.service.ts';

providePorts({
  insights: {
    atRisk: async (db, now, threshold) => (await riskOf(db, now, null)).students.filter((s) => s.leaveProbability >= threshold).map((s) => s.studentId),
  },
});
