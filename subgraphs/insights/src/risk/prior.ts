// The pooled prior of the risk models: logistic regressions fitted by `pnpm bench:risk` on generated
// histories of six libraries (gateway/src/history.ts, seeds 1–6, six months each), used by a tenant
// whose own history is too short. Refit: run the benchmark and paste what it prints.
import type { Logistic } from './model.ts';

export const PRIOR: { leaves: Logistic; late: Logistic } = {
  leaves: {"weights":{"absenceStreak":0.401,"visits14":-0.873,"visitDrop":0.132,"tenureMonths":0.193,"latePayments":0.055,"overdueNow":0.144,"openComplaints":0.639},"bias":-1.18,"mean":{"absenceStreak":0.84,"visits14":7.285,"visitDrop":0.792,"tenureMonths":1.3,"latePayments":0.134,"overdueNow":0.139,"openComplaints":0.043},"scale":{"absenceStreak":1.762,"visits14":3.275,"visitDrop":1.508,"tenureMonths":1.079,"latePayments":0.482,"overdueNow":0.346,"openComplaints":0.202}},
  late: {"weights":{"absenceStreak":0.09,"visits14":0.183,"visitDrop":-0.057,"tenureMonths":-0.713,"latePayments":1.926,"overdueNow":1.387,"openComplaints":0.085},"bias":-3.269,"mean":{"absenceStreak":0.489,"visits14":8.235,"visitDrop":0.615,"tenureMonths":1.35,"latePayments":0.123,"overdueNow":0.121,"openComplaints":0.006},"scale":{"absenceStreak":1.143,"visits14":2.904,"visitDrop":1.286,"tenureMonths":1.081,"latePayments":0.469,"overdueNow":0.326,"openComplaints":0.075}},
};
