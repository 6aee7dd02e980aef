// The embedded default never loses its data: a process killed with SIGKILL in the middle of writes,
// round after round (the first kill lands during the first initialisation), leaves a directory that
// opens with every acknowledged write; a second process on the same directory is refused with one
// line naming the holder, and starts once the holder is gone (the lock is never left stale).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreTarget, migrateCore, openCoreClient, openDatabase } from '@studyspot/db';
import { afterAll, describe, expect, it } from 'vitest';

const WRITER = fileURLToPath(new URL('./support/embedded-writer.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'studyspot-durability-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Writer {
  child: ChildProcess;
  acks: string[];
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function startWriter(): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, root], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent' } });
  let out = '';
  let err = '';
  const acks: string[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith('ack ')) acks.push(line.slice(4));
      else if (line === 'ready') acks.push('');
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, acks, out: () => out, err: () => err, exited };
}

const waitFor = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

async function persisted(ids: string[]): Promise<{ missing: string[]; rows: number }> {
  // As `pnpm start` does: a kill before the first migration finished leaves it to be applied now.
  await migrateCore({ kind: 'pglite', dataDir: root });
  const core = await openCoreClient(coreTarget({ kind: 'pglite', dataDir: root }));
  try {
    const rows = await core.prisma.auditLog.findMany({ where: { action: 'durability.write' }, select: { requestId: true } });
    const have = new Set(rows.map((r) => r.requestId));
    return { missing: ids.filter((id) => !have.has(id)), rows: rows.length };
  } finally {
    await core.close();
  }
}

describe('embedded data durability', () => {
  it('names a directory it cannot open, and leaves it untouched, instead of a bare Aborted()', async () => {
    const dir = join(root, 'damaged');
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    await db.ping();
    await db.close();
    // Destroy the WAL: PostgreSQL can no longer find its checkpoint record.
    const wal = readdirSync(join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f));
    for (const f of wal) writeFileSync(join(dir, 'pg_wal', f), Buffer.alloc(16 * 1024 * 1024));
    const before = readdirSync(dir).sort();
    await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toThrow(new RegExp(`^cannot open the embedded database at ${dir} \\(PGlite: .*\\)\\. It was left untouched`));
    // PostgreSQL leaves its pid file behind (harmless: a SIGKILLed holder leaves one too); nothing else changes.
    expect(readdirSync(dir).filter((f) => !before.includes(f) && f !== 'postmaster.pid')).toEqual([]);
    // The failed open released the directory's lock: a second attempt says the same, not "in use".
    await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toThrow(/cannot open the embedded database/);
  });

  it('survives SIGKILL during writes, round after round, with every acknowledged write', async () => {
    const acked: string[] = [];
    const ROUNDS = 10;
    for (let round = 0; round < ROUNDS; round++) {
      const w = startWriter();
      if (round === 0) {
        // The first kill lands while the directory is being created and migrated.
        await new Promise((r) => setTimeout(r, 1_500));
      } else {
        // At least two writes acknowledged before the kill lands among the next ones (however slow the machine).
        expect(await waitFor(() => w.acks.length > 1, 60_000)).toBe(true);
        await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 600)));
      }
      w.child.kill('SIGKILL');
      await w.exited;
      acked.push(...w.acks.filter(Boolean));
      const { missing, rows } = await persisted(acked);
      expect(missing).toEqual([]);
      expect(rows).toBeGreaterThanOrEqual(acked.length);
    }
    console.log(`[figures] embedded durability: ${ROUNDS} SIGKILLs during writes, ${acked.length} acknowledged writes, 0 lost`);
    expect(acked.length).toBeGreaterThan(ROUNDS);
  }, 600_000);

  it('refuses a second process on the same directory, naming the holder, and never leaves the lock stale', async () => {
    const first = startWriter();
    expect(await waitFor(() => first.acks.length > 1, 60_000)).toBe(true);
    const second = startWriter();
    expect(await second.exited).toBe(3);
    const lines = second.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`is in use by process ${first.child.pid}`);
    // The holder was not disturbed.
    const before = first.acks.length;
    expect(await waitFor(() => first.acks.length > before + 5, 10_000)).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    // Killed holders leave nothing behind: the next process starts at once.
    const third = startWriter();
    expect(await waitFor(() => third.acks.length > 1, 60_000)).toBe(true);
    third.child.kill('SIGKILL');
    await third.exited;
    const { missing } = await persisted([...first.acks, ...third.acks].filter(Boolean));
    expect(missing).toEqual([]);
  }, 300_000);
});
