// `pnpm bench:triage`: the help desk's automatic triage (naive Bayes on words and character 3-grams,
// subgraphs/engagement/src/triage) against the keyword-rule baseline learnt from the same training
// tickets, on the shipped English/Hinglish examples: the fixed held-out fifth, then 5-fold
// cross-validation over all of them. Prints accuracy (category, priority) for both and the ratio,
// and how fast a suggestion is.
import { train } from '../../subgraphs/engagement/src/triage/classifier.ts';
import { EXAMPLES, split, type Example } from '../../subgraphs/engagement/src/triage/examples.ts';
import { keywordRules } from '../../subgraphs/engagement/src/triage/keywords.ts';

type Triage = (t: string) => { category: string; priority: string };
const score = (test: Example[], f: Triage) => ({
  category: test.filter((e) => f(e.text).category === e.category).length / test.length,
  priority: test.filter((e) => f(e.text).priority === e.priority).length / test.length,
});
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function compare(name: string, folds: { train: Example[]; test: Example[] }[]) {
  const nb = { category: 0, priority: 0 };
  const kw = { category: 0, priority: 0 };
  let n = 0;
  for (const f of folds) {
    const a = score(f.test, (t) => train(f.train).suggest(t));
    const b = score(f.test, keywordRules(f.train).triage);
    nb.category += a.category * f.test.length;
    nb.priority += a.priority * f.test.length;
    kw.category += b.category * f.test.length;
    kw.priority += b.priority * f.test.length;
    n += f.test.length;
  }
  for (const o of [nb, kw]) {
    o.category /= n;
    o.priority /= n;
  }
  return { set: name, tickets: n, 'model category': pct(nb.category), 'keywords category': pct(kw.category), 'category ratio': (nb.category / kw.category).toFixed(2), 'model priority': pct(nb.priority), 'keywords priority': pct(kw.priority), beats: nb.category > kw.category ? 'yes' : 'NO' };
}

const folds = [0, 1, 2, 3, 4].map((k) => ({ train: EXAMPLES.filter((_, i) => i % 5 !== k), test: EXAMPLES.filter((_, i) => i % 5 === k) }));
const rows = [compare('held-out fifth', [split()]), compare('5-fold cross-validation', folds)];
console.table(rows);

const model = train(split().train);
const texts = EXAMPLES.map((e) => e.text);
const started = performance.now();
let i = 0;
for (; performance.now() - started < 1_000; i++) model.suggest(texts[i % texts.length]!);
console.log(`a suggestion takes ${((performance.now() - started) / i * 1000).toFixed(0)} µs (${i} in 1 s); training on ${split().train.length} examples ${(() => { const t = performance.now(); train(split().train); return (performance.now() - t).toFixed(0); })()} ms`);
if (rows.some((r) => r.beats !== 'yes')) {
  console.error('triage: the model does NOT beat the keyword baseline');
  process.exit(1);
}
