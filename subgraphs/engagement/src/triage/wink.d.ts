// The two winkjs packages ship no types; what triage uses of them.
declare module 'wink-naive-bayes-text-classifier' {
  interface NaiveBayesTextClassifier {
    definePrepTasks(tasks: ((input: never) => unknown)[]): number;
    defineConfig(cfg: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean;
    learn(input: string, label: string): boolean;
    consolidate(): boolean;
    computeOdds(input: string): [string, number][];
    stats(): { labelWiseSamples: Record<string, number>; vocabulary: number };
  }
  const create: () => NaiveBayesTextClassifier;
  export default create;
}
declare module 'wink-nlp-utils' {
  const nlp: {
    string: { lowerCase: (s: string) => string; tokenize0: (s: string) => string[]; retainAlphaNums: (s: string) => string };
    tokens: { removeWords: (t: string[]) => string[]; stem: (t: string[]) => string[] };
  };
  export default nlp;
}
