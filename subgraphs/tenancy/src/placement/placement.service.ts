// The placement map (platform admins): which PostgreSQL servers tenants are placed on, and their
// state. Placement itself happens when a tenant is created (placement.repository placeTenant).
import { serverAnswers } from '@studyspot/db';
import { isUuid, isViolation, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { SLUG } from '../tenants/tenants.service.ts';
import * as repo from './placement.repository.ts';

export type { ServerRow } from './placement.repository.ts';

/** Where the server itself is when requests go through a pooler (null: no pooler in the map). */
export function serverDirectHost(ctx: SubgraphContext, s: { url: string | null; directUrl: string | null }): string | null {
  if (s.directUrl) return new URL(s.directUrl).host;
  const db = ctx.platform.config.database;
  return !s.url && db.kind === 'postgres' && db.directUrl ? new URL(db.directUrl).host : null;
}

/** Where a server is, as the API shows it: host and port, or the core's own for primary. */
export function serverHost(ctx: SubgraphContext, s: { url: string | null }): string {
  if (s.url) return new URL(s.url).host;
  const db = ctx.platform.config.database;
  return db.kind === 'postgres' ? new URL(db.coreUrl).host : 'embedded';
}

/** The servers with their counts, read once per request (a handful of rows) and shared by every field. */
const servers = (ctx: SubgraphContext) =>
  ctx.loader<'all', repo.ServerRow[]>('tenancy:servers', async (keys) => {
    const rows = await repo.listServers(ctx.core);
    return keys.map(() => rows);
  });

export const listServers = (ctx: SubgraphContext) => servers(ctx).load('all');

/** The server a tenant row names, with its count. */
export async function serverById(ctx: SubgraphContext, id: string) {
  return (await servers(ctx).load('all')).find((s) => s.id === id) ?? null;
}

/** After a write, the request's next read (a later mutation of the same document included) sees it. */
const written = (ctx: SubgraphContext) => void servers(ctx).clear('all');

/** A server URL as the map keeps it: postgresql://user@host:port/, no password, no database. */
function serverUrl(raw: string): string | { problem: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { problem: 'url must be postgresql://user@host:port' };
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') return { problem: 'url must be postgresql://user@host:port' };
  if (u.password) return { problem: 'url must not hold a password: credentials come from the environment (PGPASSWORD or .pgpass)' };
  if (!u.hostname) return { problem: 'url must name a host' };
  if (u.pathname && u.pathname !== '/') return { problem: 'url must not name a database: each tenant has its own' };
  if (u.search) return { problem: 'url must not carry options' };
  return `postgresql://${u.username ? `${encodeURIComponent(decodeURIComponent(u.username))}@` : ''}${u.host}/`;
}

export async function registerServer(ctx: SubgraphContext, input: { name: string; url: string; directUrl?: string | null; capacity?: number | null }) {
  if (ctx.platform.config.database.kind !== 'postgres') return { server: null, ...fail('INVALID_STATE', 'Embedded mode keeps every tenant on its one server; run with DATABASE_URL to add servers') };
  const name = input.name.trim().toLowerCase();
  if (!SLUG.test(name)) return { server: null, ...fail('INVALID_INPUT', 'name must be lowercase letters, digits or dashes', 'input', 'name') };
  const url = serverUrl(input.url);
  if (typeof url !== 'string') return { server: null, ...fail('INVALID_INPUT', url.problem, 'input', 'url') };
  const capacity = input.capacity ?? null;
  if (capacity !== null && (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000)) return { server: null, ...fail('INVALID_INPUT', 'capacity must be 1 to 1,000,000 tenants, or null', 'input', 'capacity') };
  const direct = input.directUrl ? serverUrl(input.directUrl) : null;
  if (direct !== null && typeof direct !== 'string') return { server: null, ...fail('INVALID_INPUT', direct.problem.replace(/^url/, 'directUrl'), 'input', 'directUrl') };
  const answer = await serverAnswers(url);
  if ('error' in answer) return { server: null, ...fail('INVALID_INPUT', `The server did not answer: ${answer.error}`, 'input', 'url') };
  if (direct) {
    const directAnswer = await serverAnswers(direct);
    if ('error' in directAnswer) return { server: null, ...fail('INVALID_INPUT', `The server did not answer at directUrl: ${directAnswer.error}`, 'input', 'directUrl') };
  }
  const created = await repo.registerServer(ctx.core, { name, url, directUrl: direct, capacity });
  if (isViolation(created)) return { server: null, ...fail('INVALID_INPUT', `A server named "${name}" is registered already`, 'input', 'name') };
  written(ctx);
  await ctx.audit({ action: 'database_server.register', targetType: 'DatabaseServer', targetId: created.id, details: { name, host: new URL(url).host, directHost: direct ? new URL(direct).host : null, capacity, version: answer.version } });
  return { server: await serverById(ctx, created.id), userErrors: [] };
}

export async function setServerState(ctx: SubgraphContext, id: string, state: repo.ServerState) {
  if (!isUuid(id) || !(await repo.setServerState(ctx.core, id, state))) return { server: null, ...fail('NOT_FOUND', 'No such database server', 'id') };
  written(ctx);
  await ctx.audit({ action: 'database_server.state', targetType: 'DatabaseServer', targetId: id, details: { state } });
  return { server: await serverById(ctx, id), userErrors: [] };
}
