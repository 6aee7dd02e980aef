// Platform invoices open from signed 15-minute links: /platform-invoices/<token>.pdf.
import { ports, type Platform } from '@studyspot/runtime';
import { findInvoice } from './platform.repository.ts';
import express, { type Router } from 'express';
import { readSignedToken, signedToken } from '../receipts/receipt.link.ts';
import { invoicePdf } from './invoice.pdf.ts';

export function invoiceLink(platform: Platform, invoiceId: string, now = Date.now()): { url: string; expiresAt: Date } {
  const { token, expiresAt } = signedToken(platform, 'platform-invoice', { i: invoiceId }, now);
  return { url: `${platform.publicUrl}/platform-invoices/${token}.pdf`, expiresAt };
}

export function platformInvoiceRouter(platform: Platform): Router {
  const router = express.Router();
  router.get('/:token.pdf', async (req, res, next) => {
    try {
      const claims = readSignedToken(platform, 'platform-invoice', req.params.token, ['i']);
      if (claims === 'invalid') return void res.status(404).json({ errors: [{ message: 'No such invoice link', extensions: { code: 'NOT_FOUND' } }] });
      if (claims === 'expired') return void res.status(410).json({ errors: [{ message: 'This invoice link has expired; ask for a new one', extensions: { code: 'LINK_EXPIRED' } }] });
      const inv = await findInvoice(platform.core, claims.i);
      if (!inv) return void res.status(404).json({ errors: [{ message: 'No such invoice', extensions: { code: 'NOT_FOUND' } }] });
      const tenant = await ports.tenants.profile(platform.core, inv.tenantId);
      if (!tenant) return void res.status(404).json({ errors: [{ message: 'No such invoice', extensions: { code: 'NOT_FOUND' } }] });
      const pdf = await invoicePdf({
        ...inv,
        lines: inv.lines as { label: string; amountPaise: number }[],
        seller: platform.config.platformSeller,
        buyer: { ...tenant, gstin: inv.tenantGstin },
      });
      res.set({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="invoice-${inv.number.replace(/\//g, '-')}.pdf"`, 'cache-control': 'private, no-store' }).send(pdf);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
