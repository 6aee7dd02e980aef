// The baseline triage is measured against: keyword rules of the kind a help desk is set up with —
// per category (and per priority), the words that mark it — learnt from the same training tickets
// the model sees (a word is a category's keyword when it appears in at least two of its tickets and
// in no more than a fifth of its uses elsewhere; the eight most used per category), so neither side
// has seen the held-out tickets. A ticket goes to the category with most keyword hits (ties: the
// first in the list); none: OTHER and NORMAL. Used by the benchmark and its test only.
import { words } from './classifier.ts';
import type { Category, Example, Priority } from './examples.ts';

const CATEGORIES: Category[] = ['SAFETY', 'FEES', 'SEAT', 'NOISE', 'CLEANLINESS', 'FACILITIES', 'OTHER'];
const PRIORITIES: Priority[] = ['URGENT', 'HIGH', 'LOW', 'NORMAL'];

function keywordsOf<L extends string>(train: readonly Example[], label: (e: Example) => L, labels: L[], perLabel: number): Map<L, Set<string>> {
  const counts = new Map<string, Map<L, number>>();
  for (const e of train) {
    for (const w of new Set(words(e.text))) {
      const c = counts.get(w) ?? new Map<L, number>();
      c.set(label(e), (c.get(label(e)) ?? 0) + 1);
      counts.set(w, c);
    }
  }
  const out = new Map<L, Set<string>>();
  for (const l of labels) {
    const mine = [...counts].map(([w, c]) => ({ w, n: c.get(l) ?? 0, all: [...c.values()].reduce((a, b) => a + b, 0) })).filter((x) => x.n >= 2 && x.n / x.all >= 0.8);
    out.set(l, new Set(mine.sort((a, b) => b.n - a.n || a.w.localeCompare(b.w)).slice(0, perLabel).map((x) => x.w)));
  }
  return out;
}

export function keywordRules(train: readonly Example[], perLabel = 8) {
  const cats = keywordsOf(train, (e) => e.category, CATEGORIES, perLabel);
  const pris = keywordsOf(train, (e) => e.priority, PRIORITIES.filter((p) => p !== 'NORMAL'), perLabel);
  const best = <L extends string>(rules: Map<L, Set<string>>, tokens: string[], none: L): L => {
    let top: L = none;
    let hits = 0;
    for (const [l, ws] of rules) {
      const n = tokens.filter((t) => ws.has(t)).length;
      if (n > hits) [top, hits] = [l, n];
    }
    return top;
  };
  return {
    keywords: cats,
    triage: (text: string): { category: Category; priority: Priority } => {
      const t = words(text);
      return { category: best(cats, t, 'OTHER'), priority: best(pris, t, 'NORMAL') };
    },
  };
}
