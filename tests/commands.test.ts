// The commands a newcomer types, run as they type them (`pnpm start`, `pnpm dev`), each in its own
// process group so that a signal to the group is a terminal's Ctrl-C: a start that skips what is up
// to date, a Ctrl-C that ends with exit 0 and no pnpm error box, and `pnpm dev` saying at once what
// it needs. Loopback only; every process started here is stopped here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const groups: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of groups) if (c.exitCode === null) process.kill(-c.pid!, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function pnpm(args: string[], env: Record<string, string>) {
  const child = spawn('pnpm', args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', TURBO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groups.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = async (what: RegExp, ms = 120_000) => {
    const until = performance.now() + ms;
    while (!what.test(out)) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
      if (performance.now() > until) throw new Error(`no ${what} in time: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** Ctrl-C: SIGINT to the whole process group, as a terminal sends it. */
  const interrupt = async () => {
    const t0 = performance.now();
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    return { code, ms: performance.now() - t0 };
  };
  return { child, out: () => out, exited, ready, interrupt };
}

const PNPM_NOISE = /ELIFECYCLE|ERR_PNPM|Command failed|Force killing/;

describe('pnpm start and pnpm dev as typed', { timeout: 300_000 }, () => {
  it('pnpm start skips the build when nothing changed and ends on Ctrl-C with exit 0 and no error noise', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studyspot-cmd-'));
    dirs.push(data);
    const first = pnpm(['start'], { STUDYSPOT_DATA_DIR: data });
    await first.ready(/More: pnpm run token/);
    const stopped = await first.interrupt();
    expect(stopped.code).toBe(0);
    expect(first.out()).not.toMatch(PNPM_NOISE);
    // The second start: code generation comes from turbo's cache and the bundle is reused.
    const second = pnpm(['start'], { STUDYSPOT_DATA_DIR: data });
    await second.ready(/More: pnpm run token/);
    expect(second.out()).toMatch(/gateway\/dist\/ is up to date \(\d+ inputs unchanged/);
    expect(second.out()).toMatch(/Cached:\s+9 cached, 9 total|FULL TURBO/);
    const again = await second.interrupt();
    expect(again.code).toBe(0);
    expect(second.out()).not.toMatch(PNPM_NOISE);
  });

  it('pnpm dev without DATABASE_URL runs the embedded default at once, says why, and stops cleanly on Ctrl-C', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studyspot-cmd-'));
    dirs.push(data);
    const dev = pnpm(['dev'], { STUDYSPOT_DATA_DIR: data });
    await dev.ready(/More: pnpm run token/);
    expect(dev.out()).toContain('pnpm dev: no DATABASE_URL, so the embedded default in one process');
    expect(dev.out()).toMatch(/Demo logins/);
    const stopped = await dev.interrupt();
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(15_000);
    expect(dev.out()).not.toMatch(PNPM_NOISE);
  });

  it('pnpm test -- <file> runs that file only (the arguments reach vitest, with or without --)', async () => {
    for (const args of [['test', '--', 'gateway/src/guard/guard.test.ts'], ['test', 'gateway/src/guard/guard.test.ts', '-t', 'fragment bomb']]) {
      const run = pnpm(args, { NO_COLOR: '1', FORCE_COLOR: '0' });
      expect(await run.exited, run.out()).toBe(0);
      expect(run.out()).toMatch(/Test Files\s+1 passed \(1\)/);
      expect(run.out()).toMatch(args.includes('-t') ? /Tests\s+1 passed \| \d+ skipped/ : /Tests\s+(\d+) passed \(\1\)/);
    }
  });

  it('pnpm dev with a DATABASE_URL that does not answer says so in one line and starts nothing', async () => {
    const dev = pnpm(['dev'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/studyspot' });
    expect(await dev.exited).toBe(1);
    const ours = dev.out().split('\n').filter((l) => l.startsWith('pnpm dev:'));
    expect(ours).toEqual(['pnpm dev: DATABASE_URL points at 127.0.0.1:1, which does not answer. Start PostgreSQL there, or unset DATABASE_URL for the embedded default.']);
    expect(dev.out()).not.toMatch(/\n\s+at /);
  });
});
