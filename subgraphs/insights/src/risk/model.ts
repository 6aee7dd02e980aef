// Logistic regression, the standard model for a yes/no chance from a few numbers: features
// standardized, weights fitted by gradient descent on the log loss with an L2 penalty. Each score
// comes with the features that raised it most (weight × standardized value), the owner's reasons.
// AUC (the chance a random positive scores above a random negative, ties half) measures a ranking.
import { FEATURES, type Feature, type Features } from './features.ts';

export interface Logistic {
  weights: Record<Feature, number>;
  bias: number;
  mean: Record<Feature, number>;
  scale: Record<Feature, number>;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function fitLogistic(xs: readonly Features[], ys: readonly boolean[], o: { iterations?: number; rate?: number; l2?: number } = {}): Logistic {
  const n = xs.length;
  const mean = {} as Record<Feature, number>;
  const scale = {} as Record<Feature, number>;
  for (const f of FEATURES) {
    mean[f] = xs.reduce((s, x) => s + x[f], 0) / Math.max(1, n);
    scale[f] = Math.sqrt(xs.reduce((s, x) => s + (x[f] - mean[f]) ** 2, 0) / Math.max(1, n)) || 1;
  }
  const z = xs.map((x) => FEATURES.map((f) => (x[f] - mean[f]) / scale[f]));
  const w = FEATURES.map(() => 0);
  const positives = ys.filter(Boolean).length;
  let b = Math.log((positives + 0.5) / (n - positives + 0.5));
  const rate = o.rate ?? 0.5;
  const l2 = o.l2 ?? 0.01;
  for (let it = 0; it < (o.iterations ?? 400); it++) {
    const gw = w.map(() => 0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const e = sigmoid(b + w.reduce((s, wj, j) => s + wj * z[i]![j]!, 0)) - (ys[i] ? 1 : 0);
      gb += e;
      for (let j = 0; j < w.length; j++) gw[j]! += e * z[i]![j]!;
    }
    b -= (rate * gb) / n;
    for (let j = 0; j < w.length; j++) w[j]! -= rate * (gw[j]! / n + l2 * w[j]!);
  }
  return { weights: Object.fromEntries(FEATURES.map((f, j) => [f, w[j]!])) as Record<Feature, number>, bias: b, mean, scale };
}

/** The chance, and the features that raised it (largest first, only those above average). */
export function score(m: Logistic, x: Features): { p: number; raisedBy: Feature[] } {
  const parts = FEATURES.map((f) => [f, (m.weights[f] * (x[f] - m.mean[f])) / m.scale[f]] as const);
  const p = sigmoid(m.bias + parts.reduce((s, [, v]) => s + v, 0));
  return { p, raisedBy: parts.filter(([, v]) => v > 0.25).sort((a, b) => b[1] - a[1]).map(([f]) => f) };
}

/** Area under the ROC curve of scores against labels (ties count half); null without both classes. */
export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const pos = scores.filter((_, i) => labels[i]);
  const neg = scores.filter((_, i) => !labels[i]);
  if (!pos.length || !neg.length) return null;
  // Rank-sum (Mann–Whitney U) with average ranks for ties.
  const all = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.y) rankSum += avg;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}
