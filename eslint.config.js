// One flat config for the workspace: typescript-eslint's recommended rules, plus the boundary rules
// that keep every subgraph in one shape (ARCHITECTURE.md, "Boundaries"). Type information is used
// only where a rule needs it (subgraph sources), so linting stays quick elsewhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import dataBoundary from './tools/eslint/data-boundary.js';

const SUBGRAPHS = ['billing', 'campus', 'communications', 'engagement', 'identity', 'insights', 'tenancy'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '**/dist/**', '.data/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  // Inside a subgraph: only repositories call Prisma, on the tables the subgraph owns.
  {
    files: ['subgraphs/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { studyspot: { rules: { 'data-boundary': dataBoundary } } },
    rules: { 'studyspot/data-boundary': 'error' },
  },
  // A subgraph never imports another: it asks through the runtime's ports (packages/runtime/src/
  // ports.ts) or through federation. Resolvers translate (arguments → service → payload) and never see
  // the database.
  ...SUBGRAPHS.flatMap((name) => {
    const others = SUBGRAPHS.filter((n) => n !== name).join('|');
    const crossing = [
      { regex: `^@studyspot/(${others})(/.*)?$`, message: 'Another subgraph is reached through the runtime\'s ports (ports.<name>) or through federation, never imported.' },
      { regex: `/(${others})/src/`, message: "Another subgraph's files are not imported by path." },
    ];
    const database = [
      { regex: '^@studyspot/db(/.*)?$', message: 'A resolver does not import the database package: call a service.' },
      { regex: '^@prisma/', message: 'A resolver does not import Prisma: call a service.' },
    ];
    return [
      { files: [`subgraphs/${name}/src/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns: crossing }] } },
      { files: [`subgraphs/${name}/src/**/*.resolvers.ts`, `subgraphs/${name}/src/**/resolvers.ts`], rules: { 'no-restricted-imports': ['error', { patterns: [...crossing, ...database] }] } },
    ];
  }),
);
