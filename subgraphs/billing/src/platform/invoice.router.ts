// Platform invoices open from signed 15-minute links: /platform-invoices/<token>.pdf
// (shared/signed-links.ts).
import { ports, type Platform } from '@studyspot/runtime';
import type { Router } from 'express';
import { signedPdfRouter, signedToken } from '../shared/signed-links.ts';
import { invoicePdf } from './invoice.pdf.ts';
import { findInvoice } from './platform.repository.ts';

export function invoiceLink(platform: Platform, invoiceId: string, now = Date.now()): { url: string; expiresAt: Date } {
  const { token, expiresAt } = signedToken(platform, 'platform-invoice', { i: invoiceId }, now);
  return { url: `${platform.publicUrl}/platform-invoices/${token}.pdf`, expiresAt };
}

export function platformInvoiceRouter(platform: Platform): Router {
  return signedPdfRouter(platform, 'platform-invoice', ['i'], 'invoice', async ({ i }) => {
    const inv = await findInvoice(platform.core, i);
    const tenant = inv && (await ports.tenants.profile(platform.core, inv.tenantId));
    if (!inv || !tenant) return null;
    const pdf = await invoicePdf({
      ...inv,
      lines: inv.lines as { label: string; amountPaise: number }[],
      seller: platform.config.platformSeller,
      buyer: { ...tenant, gstin: inv.tenantGstin },
    });
    return { pdf, filename: `invoice-${inv.number.replace(/\//g, '-')}.pdf` };
  });
}
