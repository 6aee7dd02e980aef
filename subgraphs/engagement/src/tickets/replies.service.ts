// Saved replies: a title and a text with variables — {{student}} (first name), {{ticket}} (T-0042),
// {{library}}, {{agent}} (the replying staff member) — filled in when a reply uses one.
import { clock, isUuid, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { actorOf } from '../shared/scope.ts';
import * as repo from './tickets.repository.ts';

export const REPLY_VARIABLES = ['student', 'ticket', 'library', 'agent'] as const;
const VAR = /\{\{\s*([a-zA-Z]+)\s*\}\}/g;

export const savedReplies = (s: RequestScope) => repo.savedReplies(s.db);

export async function createSavedReply(ctx: SubgraphContext, s: RequestScope, title: string, body: string) {
  const bad = (code: Parameters<typeof fail>[0], message: string, field: string) => ({ savedReply: null, ...fail(code, message, field) });
  const t = title.trim();
  const b = body.trim();
  if (!t) return bad('INVALID_INPUT', 'Give it a title', 'title');
  if (!b) return bad('INVALID_INPUT', 'Give it a text', 'body');
  const unknown = [...b.matchAll(VAR)].map((m) => m[1]!).filter((v) => !(REPLY_VARIABLES as readonly string[]).includes(v));
  if (unknown.length) return bad('INVALID_INPUT', `Unknown variable ${unknown.map((v) => `{{${v}}}`).join(', ')}: use ${REPLY_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`, 'body');
  if ((await repo.savedReplies(s.db)).some((r) => r.title.toLowerCase() === t.toLowerCase())) return bad('DUPLICATE', 'A saved reply has this title', 'title');
  const savedReply = await repo.createSavedReply(s.db, { title: t, body: b, createdById: actorOf(s), createdAt: clock.now() });
  await ctx.audit({ action: 'ticket.saved_reply.create', targetType: 'SavedReply', targetId: savedReply.id, tenantId: s.tenantId, details: { title: t } });
  return { savedReply, userErrors: [] };
}

export async function deleteSavedReply(ctx: SubgraphContext, s: RequestScope, id: string) {
  if (!isUuid(id) || !(await repo.deleteSavedReply(s.db, id))) return { deleted: false, ...fail('NOT_FOUND', 'No such saved reply', 'id') };
  await ctx.audit({ action: 'ticket.saved_reply.delete', targetType: 'SavedReply', targetId: id, tenantId: s.tenantId });
  return { deleted: true, userErrors: [] };
}

/** A saved reply's text with its variables filled in; null when there is no such reply. */
export async function fillSavedReply(s: RequestScope, id: string, vars: Record<(typeof REPLY_VARIABLES)[number], string>): Promise<string | null> {
  const r = isUuid(id) ? await repo.findSavedReply(s.db, id) : null;
  return r ? r.body.replace(VAR, (_m, k: string) => vars[k as keyof typeof vars] ?? '') : null;
}
