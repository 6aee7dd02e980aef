// Receipts: thin resolvers; the PDF is served by receipt.router.ts from a signed link.
import { isUuid, present, type SubgraphContext } from '@studyspot/runtime';
import { scoped } from '../shared/loaders.ts';
import { canSee } from '../shared/scope.ts';
import { receiptLink, supplyInvoiceLink } from './receipt.link.ts';
import type { Resolvers } from '../generated/resolvers.ts';

async function visibleReceipt(ctx: SubgraphContext, id: string) {
  const { s, l } = await scoped(ctx);
  const r = isUuid(id) ? await l.receipt.load(id) : null;
  const p = r ? await l.payment.load(r.paymentId) : null;
  return r && p && canSee(s, p) ? r : null;
}

export const receiptsResolvers: Resolvers = {
  Query: {
    receipt: (_p, a, ctx) => visibleReceipt(ctx, a.id),
    myReceipt: (_p, a, ctx) => visibleReceipt(ctx, a.id),
  },
  Receipt: {
    __resolveReference: (ref, ctx) => visibleReceipt(ctx, ref.id),
    payment: async (r, _a, ctx) => present(await (await scoped(ctx)).l.payment.load(r.paymentId), 'payment'),
    issuedAt: (r) => r.createdAt,
    pdfUrl: async (r, _a, ctx) => receiptLink(ctx.platform, (await scoped(ctx)).s.tenantId, r.id).url,
    supplyInvoices: async (r, _a, ctx) => (await scoped(ctx)).l.supplyInvoicesOfReceipt.load(r.id),
  },
  SupplyInvoice: {
    due: async (i, _a, ctx) => present(await (await scoped(ctx)).l.due.load(i.dueId), 'due'),
    pdfUrl: async (i, _a, ctx) => supplyInvoiceLink(ctx.platform, (await scoped(ctx)).s.tenantId, i.id).url,
  },
};
