// The pooled prior of the risk models: logistic regressions fitted by `pnpm bench:risk` on generated
// histories of six libraries (gateway/src/history.ts, seeds 1–6, six months each), used by a tenant
// whose own history is too short. Refit: run the benchmark and paste what it prints.
import type { Logistic } from './model.ts';

export const PRIOR: { leaves: Logistic; late: Logistic } = {
  leaves: {"weights":{"absenceStreak":0.323,"visits14":-0.632,"visitDrop":0.251,"tenureMonths":0.135,"latePayments":0.236,"overdueNow":0.142},"bias":-1.267,"mean":{"absenceStreak":0.844,"visits14":7.186,"visitDrop":0.812,"tenureMonths":1.253,"latePayments":0.185,"overdueNow":0.161},"scale":{"absenceStreak":1.781,"visits14":3.102,"visitDrop":1.561,"tenureMonths":0.996,"latePayments":0.578,"overdueNow":0.368}},
  late: {"weights":{"absenceStreak":0.112,"visits14":0.23,"visitDrop":-0.018,"tenureMonths":-0.696,"latePayments":2.142,"overdueNow":1.482},"bias":-2.784,"mean":{"absenceStreak":0.558,"visits14":7.855,"visitDrop":0.591,"tenureMonths":1.249,"latePayments":0.142,"overdueNow":0.141},"scale":{"absenceStreak":1.318,"visits14":2.92,"visitDrop":1.259,"tenureMonths":0.972,"latePayments":0.488,"overdueNow":0.348}},
};
