// The table of who owns which Prisma model, read from ARCHITECTURE.md (one source: the document a
// newcomer reads is the one the lint rule and tests/ownership.test.ts enforce).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ARCHITECTURE = fileURLToPath(new URL('../../ARCHITECTURE.md', import.meta.url));

/** Rows of the table between the `<!-- ownership:start -->` and `<!-- ownership:end -->` markers. */
export function readOwnership(markdown = readFileSync(ARCHITECTURE, 'utf8')) {
  const start = markdown.indexOf('<!-- ownership:start -->');
  const end = markdown.indexOf('<!-- ownership:end -->');
  if (start < 0 || end < start) throw new Error('ARCHITECTURE.md has no ownership table (<!-- ownership:start --> … <!-- ownership:end -->)');
  const rows = new Map();
  for (const line of markdown.slice(start, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `Model` | core/tenant | owner | note |
    const model = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (!model) continue;
    rows.set(model, { database: cells[2], owner: cells[3] });
  }
  return rows;
}
