// SMS credits: wallets with their statements, the platform's stock and margin, wholesale purchases,
// grants and low-balance thresholds. Thin resolvers over credits.service.ts and the ledger.
import { AppError, badInput, isPlatformRole, istDayStart, isUuid, ports } from '@studyspot/runtime';
import { mayReadBilling } from '../platform/platform.resolvers.ts';
import { creditTenant, ledgerEntry, purchaseWholesale, setLowBalanceThreshold, wallet, walletLoaded } from './credits.service.ts';
import { margin, platformStock, statement } from './ledger.repository.ts';
import { platformFail as fail } from '../errors.ts';
import type { Resolvers } from '../generated/resolvers.ts';

const MAX_CREDITS = 100_000_000;
const badCredits = (n: number) => !Number.isInteger(n) || n < 1 || n > MAX_CREDITS;

const cursorOf = (id: string) => Buffer.from(`w|${id}`).toString('base64url');
function afterOf(after: string | null | undefined): bigint | null {
  if (!after) return null;
  const [tag, id, extra] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  if (tag !== 'w' || extra !== undefined || !/^\d{1,18}$/.test(id ?? '')) throw badInput('after is not a cursor this API handed out', 'after');
  return BigInt(id!);
}


export const creditsResolvers: Resolvers = {
  Tenant: {
    wallet: async (t, _a, ctx) => {
      if (!mayReadBilling(ctx, t.id)) throw new AppError('FORBIDDEN', 'Only the tenant’s owners and platform roles see its wallet');
      return walletLoaded(ctx, t.id);
    },
  },
  Wallet: {
    __resolveReference: async (ref, ctx) => (isUuid(ref.tenantId) && mayReadBilling(ctx, ref.tenantId) ? walletLoaded(ctx, ref.tenantId) : null),
    statement: async (w, a, ctx) => {
      const first = Math.min(Math.max(a.first ?? 20, 1), 100);
      const after = afterOf(a.after);
      const lines = w.accountId ? await statement(ctx.core, w.accountId, first + 1, after) : [];
      const page = lines.slice(0, first);
      const edges = page.map((l) => ({ node: l, cursor: cursorOf(l.id) }));
      return { edges, pageInfo: { hasNextPage: lines.length > first, hasPreviousPage: Boolean(a.after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  LedgerEntry: {
    __resolveReference: async (ref, ctx) => {
      const line = await ledgerEntry(ctx, ref.id);
      return line && (line.tenantId ? mayReadBilling(ctx, line.tenantId) : ctx.can('platform:billing:read')) ? line : null;
    },
  },
  PlatformCredits: {
    margin: (_p, a, ctx) => {
      if (a.to < a.from) throw badInput('to must not be before from', 'to');
      return margin(ctx.core, istDayStart(a.from), istDayStart(new Date(a.to.getTime() + 86_400_000)));
    },
  },
  Query: {
    platformCredits: (_p, _a, ctx) => platformStock(ctx.core),
  },
  Mutation: {
    purchaseWholesaleCredits: async (_p, a, ctx) => {
      const { vendor, credits, costPaise, idempotencyKey } = a.input;
      if (!vendor.trim()) return fail('INVALID_INPUT', 'vendor is required', 'input', 'vendor');
      if (badCredits(credits)) return fail('INVALID_INPUT', `credits must be 1 to ${MAX_CREDITS}`, 'input', 'credits');
      if (!Number.isInteger(costPaise) || costPaise < 0 || costPaise > 2_000_000_000) return fail('INVALID_INPUT', 'costPaise must be a whole number of paise', 'input', 'costPaise');
      const r = await purchaseWholesale({ core: ctx.core, events: ctx.events }, { vendor: vendor.trim(), credits, costPaise, idempotencyKey, actorId: ctx.claims!.sub });
      if (r.created) await ctx.audit({ action: 'credits.wholesale', targetType: 'LedgerTransaction', targetId: r.transactionId, details: { vendor, credits, costPaise } });
      return { transactionId: r.transactionId, wallet: null, userErrors: [] };
    },
    grantCredits: async (_p, a, ctx) => {
      const { tenantId, credits, memo, idempotencyKey } = a.input;
      if (badCredits(credits)) return fail('INVALID_INPUT', `credits must be 1 to ${MAX_CREDITS}`, 'input', 'credits');
      const tenant = isUuid(tenantId) ? await ports.tenants.status(ctx.core, tenantId) : null;
      if (!tenant) return fail('NOT_FOUND', 'No such tenant', 'input', 'tenantId');
      const r = await creditTenant({ core: ctx.core, events: ctx.events }, { tenantId, credits, kind: 'GRANT', memo: memo ?? null, idempotencyKey, actorId: ctx.claims!.sub });
      if ('error' in r) return fail(r.error, r.message, 'input', 'credits');
      if (r.created) await ctx.audit({ action: 'credits.grant', tenantId, targetType: 'LedgerTransaction', targetId: r.transactionId, details: { credits, memo } });
      return { transactionId: r.transactionId, wallet: await wallet(ctx, tenantId), userErrors: [] };
    },
    setWalletLowBalanceThreshold: async (_p, a, ctx) => {
      const claims = ctx.claims!;
      const tenantId = isPlatformRole(claims.role) ? (a.tenantId ?? ctx.tenantId) : claims.tenantId;
      if (!tenantId || !isUuid(tenantId) || (!isPlatformRole(claims.role) && a.tenantId && a.tenantId !== claims.tenantId)) return fail('NOT_FOUND', 'No such tenant', 'tenantId');
      if (a.credits != null && (!Number.isInteger(a.credits) || a.credits < 0 || a.credits > MAX_CREDITS)) return fail('INVALID_INPUT', `credits must be 0 to ${MAX_CREDITS}, or null`, 'credits');
      await setLowBalanceThreshold(ctx.core, tenantId, a.credits ?? null);
      return { transactionId: null, wallet: await wallet(ctx, tenantId), userErrors: [] };
    },
  },
};
