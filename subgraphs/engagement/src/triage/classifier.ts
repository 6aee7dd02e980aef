// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the winkjs packages ship no types: this brings ours into every program that compiles this file (the tests and benchmarks too)
/// <reference path="./wink.d.ts" />
// Triage: a suggested category and priority for a new ticket, with a confidence, from a naive Bayes
// text classifier (winkjs' wink-naive-bayes-text-classifier, binarized, Lidstone smoothing 0.5).
// Features: the words (lower-cased, tokenized by wink-nlp-utils, English and common Hinglish stop
// words removed) and their character 3-grams — Hinglish is spelt many ways (garmi/garmee, nahi/nhi),
// and 3-grams carry a word's sound across spellings where whole words would not match. Trained on the tenant's own resolved tickets once it has
// MIN_OWN of them, else on the examples the project ships (examples.ts). Models are cached per tenant
// for CACHE_MS, at most CACHE_TENANTS of them per process.
import classifier from 'wink-naive-bayes-text-classifier';
import nlp from 'wink-nlp-utils';
import { EXAMPLES, type Category, type Example, type Priority } from './examples.ts';

export type { Category, Priority };
export interface Suggestion {
  category: Category;
  priority: Priority;
  /** How sure the category is, 0–1: its probability among the labels × the share of the words the model knows. */
  confidence: number;
}

export interface TriageModel {
  suggest(text: string): Suggestion;
  /** Where it learnt: the tenant's own tickets, or the shipped examples. */
  source: 'TENANT' | 'EXAMPLES';
  examples: number;
}

/** A tenant's own model once it has this many resolved tickets across at least three categories. */
export const MIN_OWN = 40;
const CACHE_MS = 10 * 60_000;
/** Tenants' models kept per process (the least recently trained go first). */
const CACHE_TENANTS = 200;

/** Hinglish function words, as common in tickets as "the" and "is" (English ones are wink's list). */
const HINGLISH_STOP = new Set(
  'hai hain ho hota hoti hote tha thi the ka ki ke ko se me mein pe par aur bhi nahi na kya kyu kyun koi kuch ek do raha rahi rahe kar karo karna karte kiya diya de dena gaya gayi hua hui wala wali wale ye yeh wo woh is us mera meri mere mujhe hum ab abhi bahut please pls'.split(' '),
);

/** A ticket's words, as both triage and its keyword baseline see them. */
export const words = (text: string): string[] => nlp.tokens.removeWords(nlp.string.tokenize0(nlp.string.lowerCase(text))).filter((w) => /[a-z]/.test(w) && !HINGLISH_STOP.has(w));

/** Words and their character 3-grams (with word boundaries). */
const features = (text: string): string[] =>
  words(text).flatMap((w) => {
    const x = `^${w}$`;
    const out = [w];
    for (let i = 0; i + 3 <= x.length; i++) out.push(x.slice(i, i + 3));
    return out;
  });

function nb() {
  const c = classifier();
  c.definePrepTasks([features] as never);
  c.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
  return c;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function train(examples: readonly Example[], source: TriageModel['source'] = 'EXAMPLES'): TriageModel {
  const byCategory = nb();
  const byPriority = nb();
  const known = new Set(examples.flatMap((e) => words(e.text)));
  for (const e of examples) {
    byCategory.learn(e.text, e.category);
    byPriority.learn(e.text, e.priority);
  }
  byCategory.consolidate();
  byPriority.consolidate();
  return {
    source,
    examples: examples.length,
    suggest(text) {
      const [top] = byCategory.computeOdds(text);
      const [p] = byPriority.computeOdds(text);
      const odds = byCategory.computeOdds(text);
      // Nothing the model has seen: no opinion.
      if (!top || top[0] === 'unknown') return { category: 'OTHER', priority: 'NORMAL', confidence: 0 };
      // The labels' one-against-the-rest odds as probabilities, normalised over the labels, times
      // the share of the ticket's words the model has seen (a ticket of unknown words is matched by
      // its letters only: the label may be right, but the model should not be sure).
      const probs = odds.map(([, o]) => sigmoid(o));
      const w = words(text);
      const confidence = (probs[0]! / probs.reduce((a, b) => a + b, 0)) * (w.filter((x) => known.has(x)).length / w.length);
      return { category: top[0] as Category, priority: (p && p[0] !== 'unknown' ? p[0] : 'NORMAL') as Priority, confidence: Math.round(confidence * 1000) / 1000 };
    },
  };
}

let shipped: TriageModel | null = null;
/** The model of the shipped examples (trained once per process). */
export const examplesModel = () => (shipped ??= train(EXAMPLES));

const cache = new Map<string, { model: TriageModel; until: number }>();

/** The tenant's model: its own when it has enough resolved tickets (`own` reads them), else the shipped one. */
export async function modelFor(tenantId: string, nowMs: number, own: () => Promise<Example[]>): Promise<TriageModel> {
  const hit = cache.get(tenantId);
  if (hit && hit.until > nowMs) return hit.model;
  const rows = await own();
  const model = rows.length >= MIN_OWN && new Set(rows.map((r) => r.category)).size >= 3 ? train(rows, 'TENANT') : examplesModel();
  cache.delete(tenantId);
  cache.set(tenantId, { model, until: nowMs + CACHE_MS });
  if (cache.size > CACHE_TENANTS) cache.delete(cache.keys().next().value!);
  return model;
}
