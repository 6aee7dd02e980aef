// What the README documents is what the processes get: every environment variable in its tables is
// passed through by turbo (`pnpm dev` runs the processes through turbo, which drops anything else).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

describe('documented environment', () => {
  it('reaches every process started through turbo', () => {
    const documented = [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_<>]*)[`=]/gm)].map((m) => m[1]!.replace(/<[A-Z]+>/g, 'X'));
    const passed = (JSON.parse(read('turbo.json')) as { globalPassThroughEnv: string[] }).globalPassThroughEnv;
    const covered = (v: string) => passed.some((p) => (p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v === p));
    expect(documented.length).toBeGreaterThan(15);
    expect(documented.filter((v) => !covered(v))).toEqual([]);
  });
});
