// One process per embedded data directory. PGlite takes no lock, and two processes writing one
// directory corrupt it (electric-sql/pglite issues 327 and 1106), so every PGlite directory is
// locked by the process that opens it.
//
// On Linux the lock is a Unix socket in the abstract namespace named after the directory: binding is
// atomic, the kernel releases it the moment the holder dies (even by SIGKILL), so it can never be
// left stale, and the holder answers on it with who it is, for the refusal message. Elsewhere a
// lock file created with O_EXCL holds the holder's pid; one whose process is gone is taken over.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';

export interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}); stop it first, two processes writing one embedded database corrupt it`
        : `${dataDir} is in use by another process; stop it first, two processes writing one embedded database corrupt it`,
    );
    this.name = 'DataDirectoryInUseError';
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

const me = (): LockHolder => ({
  pid: process.pid,
  command: process.argv.slice(1, 3).map((a) => a.split('/').slice(-3).join('/')).join(' ') || 'node',
  since: new Date(Date.now() - process.uptime() * 1000).toISOString(),
});

function socketName(dataDir: string): string {
  // The directory may not exist yet: name it by its parent's real path plus its own name.
  let real: string;
  try {
    real = realpathSync(dataDir);
  } catch {
    real = join(realpathSync(dirname(dataDir)), dataDir.split('/').pop() ?? '');
  }
  return `\0studyspot-pglite-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
}

function askHolder(name: string): Promise<LockHolder | null> {
  return new Promise((resolve) => {
    let data = '';
    const c = connect(name);
    const done = (h: LockHolder | null) => {
      c.destroy();
      resolve(h);
    };
    c.setTimeout(3_000, () => done(null));
    c.on('data', (d) => (data += d));
    c.on('end', () => {
      try {
        done(JSON.parse(data) as LockHolder);
      } catch {
        done(null);
      }
    });
    c.on('error', () => done(null));
  });
}

async function abstractSocketLock(dataDir: string): Promise<DataDirLock> {
  const name = socketName(dataDir);
  const info = JSON.stringify(me());
  const server: Server = createServer((c) => c.end(info));
  await new Promise<void>((resolve, reject) => {
    server.once('error', async (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new DataDirectoryInUseError(dataDir, await askHolder(name)) : err);
    });
    server.listen(name, () => resolve());
  });
  // The lock must not keep the process alive on its own.
  server.unref();
  return { release: () => new Promise<void>((r) => server.close(() => r())) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockFileLock(dataDir: string): DataDirLock {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me()));
      closeSync(fd);
      return {
        release: async () => {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockHolder | null = null;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
      } catch {
        // half-written by a holder that died at once: stale
      }
      if (holder && alive(holder.pid)) throw new DataDirectoryInUseError(dataDir, holder);
      unlinkSync(file);
    }
  }
  throw new DataDirectoryInUseError(dataDir, null);
}

/** Locks `dataDir` for this process; throws DataDirectoryInUseError naming the holder when taken. */
export function lockDataDir(dataDir: string): Promise<DataDirLock> {
  return process.platform === 'linux' ? abstractSocketLock(dataDir) : Promise.resolve(lockFileLock(dataDir));
}
