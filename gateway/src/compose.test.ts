import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_SCHEMA_PATH, compose, SUPERGRAPH_PATH } from './compose.ts';

describe('composition', () => {
  const composed = compose();

  it('composes the six subgraphs without errors', () => {
    for (const name of ['IDENTITY', 'TENANCY', 'CAMPUS', 'BILLING', 'COMMUNICATIONS', 'ENGAGEMENT']) {
      expect(composed.supergraphSdl).toContain(`${name} @join__graph(name: "${name.toLowerCase()}"`);
    }
  });

  it('matches the committed gateway/supergraph.graphql and schema.graphql (run `pnpm compose` after editing an SDL file)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composed.supergraphSdl);
    expect(readFileSync(API_SCHEMA_PATH, 'utf8')).toBe(composed.apiSchemaSdl);
  });

  it('describes every public type and field', () => {
    const undocumented: string[] = [];
    const lines = composed.apiSchemaSdl.split('\n');
    lines.forEach((line, i) => {
      const isDecl = /^(type|enum|scalar|input|interface|union) /.test(line) || /^ {2}\w+(\(.*\))?: /.test(line) || /^ {2}[A-Z_]+$/.test(line);
      if (isDecl && !/^(type Query|type Mutation|type Subscription) /.test(line) && !lines[i - 1]?.trim().endsWith('"""')) undocumented.push(line.trim());
    });
    expect(undocumented).toEqual([]);
  });
});
