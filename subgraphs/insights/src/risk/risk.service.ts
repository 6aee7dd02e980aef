// Students at risk: for each student holding a seat today, the chance of leaving within 30 days and
// the chance of their next due going over a week late, with the reasons behind each score. Trained on
// the tenant's own history (a sample per student holding a seat, every week, from 4 weeks after its
// history begins to 31 days ago, so every label is known) when it has at least 150 samples and 15 of
// each outcome; else the pooled prior (prior.ts: the same model fitted on generated histories of
// several libraries, refitted by `pnpm bench:risk`). Computed on each read from three port reads.
import { addDays, badInput, clock, groupBy, istDay, ports, type RequestScope } from '@studyspot/runtime';
import type { TenantPrisma } from '@studyspot/db';
import { librariesOf } from '../shared/branches.ts';
import { reason, sampleOf, samplesBetween, type Feature, type Sample } from './features.ts';
import { fitLogistic, score, type Logistic } from './model.ts';
import { PRIOR } from './prior.ts';

const MIN_SAMPLES = 150;
const MIN_EACH = 15;
/** The chance of leaving from which a student is "at risk" (the campaign audience). */
export const AT_RISK = 0.5;

export interface TrainedModel {
  model: Logistic;
  trainedOn: 'TENANT' | 'PRIOR';
  samples: number;
  positives: number;
}

/** Fits on the labelled samples when there are enough of both outcomes, else the prior. */
export function trainOrPrior(samples: Sample[], label: 'leaves' | 'late', prior: Logistic): TrainedModel {
  const known = samples.filter((s) => s[label] !== null);
  const positives = known.filter((s) => s[label]).length;
  if (known.length >= MIN_SAMPLES && positives >= MIN_EACH && known.length - positives >= MIN_EACH) {
    return { model: fitLogistic(known.map((s) => s.x), known.map((s) => s[label]!)), trainedOn: 'TENANT', samples: known.length, positives };
  }
  return { model: prior, trainedOn: 'PRIOR', samples: known.length, positives };
}

/** Who held a seat in [from, to] (campus), each one's dues (billing) and help-desk tickets (engagement): what risk samples are made of. */
export async function activityAndDues(db: TenantPrisma, from: Date, to: Date) {
  const activity = await ports.campus.studentActivity(db, from, to, null);
  const ids = activity.map((a) => a.studentId);
  const [dueRecords, ticketRecords] = await Promise.all([ports.billing.dueRecords(db, ids), ports.engagement.ticketsOf(db, ids)]);
  return { activity, dues: groupBy(dueRecords, (d) => d.studentId), tickets: groupBy(ticketRecords, (t) => t.studentId) };
}

/** Every student holding a seat today, scored, with the models used. */
export async function riskOf(db: TenantPrisma, now: Date, libraryIds: string[] | null) {
  const today = istDay(now);
  const first = (await ports.campus.firstDay(db)) ?? today;
  const { activity, dues, tickets } = await activityAndDues(db, first, today);
  const history = samplesBetween(activity, dues, addDays(first, 28), addDays(today, -31), today, tickets);
  const leave = trainOrPrior(history, 'leaves', PRIOR.leaves);
  const late = trainOrPrior(history, 'late', PRIOR.late);
  const students = activity
    .filter((a) => libraryIds === null || libraryIds.includes(a.libraryId))
    .map((a) => sampleOf(a, dues.get(a.studentId) ?? [], today, today, tickets.get(a.studentId)))
    .filter((s): s is Sample => s !== null)
    .map((s) => {
      const l = score(leave.model, s.x);
      const p = score(late.model, s.x);
      const reasons = [...new Set<Feature>([...l.raisedBy, ...p.raisedBy])].map((f) => reason(f, s.x));
      return { studentId: s.studentId, libraryId: s.libraryId, leaveProbability: Math.round(l.p * 1000) / 1000, lateProbability: Math.round(p.p * 1000) / 1000, reasons };
    })
    .sort((a, b) => b.leaveProbability - a.leaveProbability || b.lateProbability - a.lateProbability || a.studentId.localeCompare(b.studentId));
  return { leave, late, students };
}

export async function studentsAtRisk(s: RequestScope, a: { libraryId?: string | null; first: number; minProbability?: number | null }) {
  if (!Number.isInteger(a.first) || a.first < 1 || a.first > 500) throw badInput('first must be 1–500', 'first');
  const min = a.minProbability ?? 0;
  if (!(min >= 0 && min <= 1)) throw badInput('minProbability is between 0 and 1', 'minProbability');
  const libs = await librariesOf(s, a.libraryId);
  const r = await riskOf(s.db, clock.now(), libs);
  const model = (m: TrainedModel) => ({ trainedOn: m.trainedOn, samples: m.samples, positives: m.positives });
  return {
    leaveModel: model(r.leave),
    lateModel: model(r.late),
    students: r.students.filter((x) => x.leaveProbability >= min || x.lateProbability >= min).slice(0, a.first),
  };
}
