// A subgraph's SDL is `src/schema.graphql`, or for a large subgraph every file in `src/schema/`
// (split by area), read in name order.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readSubgraphSdl(srcDir: string): string {
  const dir = join(srcDir, 'schema');
  if (!existsSync(dir)) return readFileSync(join(srcDir, 'schema.graphql'), 'utf8');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}
