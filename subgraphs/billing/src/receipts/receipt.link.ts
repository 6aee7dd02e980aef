// A receipt's signed link (shared/signed-links.ts): the tenant and the receipt it opens.
import type { Platform } from '@studyspot/runtime';
import { readSignedToken, signedToken } from '../shared/signed-links.ts';

/** A receipt token carries its tenant (t) and receipt (r). */
export const RECEIPT_CLAIMS = ['t', 'r'] as const;

export function receiptLink(platform: Platform, tenantId: string, receiptId: string, now = Date.now()): { url: string; expiresAt: Date } {
  const { token, expiresAt } = signedToken(platform, 'receipt', { t: tenantId, r: receiptId }, now);
  return { url: `${platform.publicUrl}/receipts/${token}.pdf`, expiresAt };
}

export function readReceiptToken(platform: Platform, token: string, now = Date.now()): { tenantId: string; receiptId: string } | 'invalid' | 'expired' {
  const claims = readSignedToken(platform, 'receipt', token, RECEIPT_CLAIMS, now);
  return typeof claims === 'string' ? claims : { tenantId: claims.t, receiptId: claims.r };
}

/** A supply invoice token carries its tenant (t) and invoice (i). */
export const SUPPLY_INVOICE_CLAIMS = ['t', 'i'] as const;

export function supplyInvoiceLink(platform: Platform, tenantId: string, invoiceId: string, now = Date.now()): { url: string; expiresAt: Date } {
  const { token, expiresAt } = signedToken(platform, 'supply-invoice', { t: tenantId, i: invoiceId }, now);
  return { url: `${platform.publicUrl}/receipts/tax-invoices/${token}.pdf`, expiresAt };
}
