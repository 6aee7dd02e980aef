// A subgraph's SDL is `src/schema.graphql`; or, for a subgraph split by area, every file in
// `src/schema/` in name order; or `src/base.graphql` followed by each area folder's own `*.graphql`
// (`src/dues/dues.graphql`, …, folders in name order). Then what every subgraph declares alike (the
// @auth, @public and @length directives, the scalars and the shareable PageInfo) from common.graphql
// beside this file. Every text argument's description then gets its length limit (input-rules.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, print } from 'graphql';
import { describeLengthLimits } from './input-rules.ts';

const COMMON = readFileSync(fileURLToPath(new URL('./common.graphql', import.meta.url)), 'utf8');

const graphqlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => join(dir, f));

function sdlFiles(srcDir: string): string[] {
  const dir = join(srcDir, 'schema');
  if (existsSync(dir)) return graphqlFiles(dir);
  if (existsSync(join(srcDir, 'schema.graphql'))) return [join(srcDir, 'schema.graphql')];
  const areas = readdirSync(srcDir)
    .filter((f) => statSync(join(srcDir, f)).isDirectory())
    .sort()
    .flatMap((f) => graphqlFiles(join(srcDir, f)));
  return [join(srcDir, 'base.graphql'), ...areas];
}

export function readSubgraphSdl(srcDir: string): string {
  const own = sdlFiles(srcDir)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  return print(describeLengthLimits(parse(`${own}\n${COMMON}`)));
}
