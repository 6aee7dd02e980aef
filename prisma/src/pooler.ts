// PgBouncer's admin console, for a server the placement map reaches through a pooler (its `url`,
// with `direct_url` for the server itself). A tenant move tells the source's pooler to stop serving
// the tenant's database at the flip: without it, a request already waiting in the pooler for a
// server connection to the retired database waits the pooler's query_wait_timeout (5 s in the
// topology) before it fails; with it, it fails at once and its retry reaches the new server.
// The pooler must list the connecting user in admin_users.
import pg from 'pg';

export interface PoolerDatabase {
  /** The pooler's URL as the map has it (any database path; the console is `pgbouncer`). */
  url: string;
  /** The database name the tenant has behind it. */
  db: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs admin commands for one database, each on its own; the errors of those that failed. */
async function console_(p: PoolerDatabase, commands: string[]): Promise<string[]> {
  const u = new URL(p.url);
  u.pathname = '/pgbouncer';
  const c = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 2_000 });
  const errors: string[] = [];
  try {
    await c.connect();
    // The console takes the simple query protocol only (pg uses it for queries without values).
    for (const cmd of commands) await c.query(`${cmd} ${ident(p.db)}`).catch((err: Error) => errors.push(`${cmd}: ${err.message}`));
  } catch (err) {
    errors.push(`console: ${(err as Error).message}`);
  } finally {
    await c.end().catch(() => {});
  }
  return errors;
}

/** New clients of the database are refused and those connected (or waiting) are dropped, at once. */
export const closeThroughPooler = (p: PoolerDatabase) => console_(p, ['DISABLE', 'KILL']);

/** The database is served again (after its move elsewhere, or when a tenant moves back onto it). */
export const reopenThroughPooler = async (p: PoolerDatabase) =>
  // Errors for a database that was never disabled or killed are expected; only the console's own matter.
  (await console_(p, ['RESUME', 'ENABLE'])).filter((e) => e.startsWith('console:'));
