// A subgraph's SDL is `src/schema.graphql`, or for a large subgraph every file in `src/schema/`
// (split by area), read in name order; followed by what every subgraph declares alike (the @auth,
// @public and @length directives, the scalars and the shareable PageInfo) from common.graphql beside
// this file. Every text argument's description then gets its length limit (input-rules.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, print } from 'graphql';
import { describeLengthLimits } from './input-rules.ts';

const COMMON = readFileSync(fileURLToPath(new URL('./common.graphql', import.meta.url)), 'utf8');

export function readSubgraphSdl(srcDir: string): string {
  const dir = join(srcDir, 'schema');
  const own = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.graphql'))
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n')
    : readFileSync(join(srcDir, 'schema.graphql'), 'utf8');
  return print(describeLengthLimits(parse(`${own}\n${COMMON}`)));
}
