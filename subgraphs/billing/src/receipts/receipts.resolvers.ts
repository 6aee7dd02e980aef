// Receipts: thin resolvers; the PDF is served by receipt.router.ts from a signed link.
import type { Receipt } from './receipts.repository.ts';
import { isUuid, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { L } from '../loaders.ts';
import { canSee } from '../scope.ts';
import { receiptLink } from './receipt.link.ts';

async function visibleReceipt(ctx: SubgraphContext, id: string) {
  const { s, l } = await L(ctx);
  const r = isUuid(id) ? await l.receipt.load(id) : null;
  const p = r ? await l.payment.load(r.paymentId) : null;
  return r && p && canSee(s, p) ? r : null;
}

export const receiptsResolvers: Resolvers = {
  Query: {
    receipt: (_p, a: { id: string }, ctx) => visibleReceipt(ctx, a.id),
    myReceipt: (_p, a: { id: string }, ctx) => visibleReceipt(ctx, a.id),
  },
  Receipt: {
    __resolveReference: (ref: { id: string }, ctx) => visibleReceipt(ctx, ref.id),
    payment: async (r: Receipt, _a, ctx) => (await L(ctx)).l.payment.load(r.paymentId),
    issuedAt: (r: Receipt) => r.createdAt,
    pdfUrl: async (r: Receipt, _a, ctx) => receiptLink(ctx.platform, (await L(ctx)).s.tenantId, r.id).url,
  },
};
