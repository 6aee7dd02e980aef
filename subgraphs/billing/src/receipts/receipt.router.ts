// GET /receipts/<token>.pdf on the gateway's port: a valid, unexpired signed link opens the receipt
// PDF (404 for a bad link, 410 for an expired one — ask for a fresh link).
import { TenantAccessError, type TenantPrisma } from '@studyspot/db';
import { formatDate, ports, type Platform } from '@studyspot/runtime';
import { findDuesByIds } from '../dues/dues.repository.ts';
import { receiptWithPayment } from './receipts.repository.ts';
import express, { type Router } from 'express';
import { readReceiptToken } from './receipt.link.ts';
import { receiptPdf, type ReceiptView } from './receipt.pdf.ts';

export async function receiptView(platform: Platform, tenantId: string, db: TenantPrisma, receiptId: string): Promise<ReceiptView | null> {
  const receipt = await receiptWithPayment(db, receiptId);
  if (!receipt) return null;
  const p = receipt.payment;
  const [profile, [place], dues, [student]] = await Promise.all([
    ports.tenants.profile(platform.core, tenantId),
    p.libraryId ? ports.campus.libraries(db, [p.libraryId]) : [],
    findDuesByIds(db, p.allocations.map((a) => a.dueId)),
    ports.campus.students(db, [p.studentId]),
  ]);
  if (!profile || !student) return null;
  const tenant = { name: profile.name, legalName: profile.legalName, gstin: profile.gstin, state: profile.state };
  const library = place ? { name: place.name, address: place.address, city: place.city } : null;
  const byDue = new Map<string, number>();
  for (const a of p.allocations) if (a.amountPaise > 0) byDue.set(a.dueId, (byDue.get(a.dueId) ?? 0) + a.amountPaise);
  const label = (d: (typeof dues)[number]) => `${d.kind === 'DAY_PASS' ? 'Day pass' : d.kind === 'TOP_UP' ? 'Top-up' : 'Seat fee'} ${formatDate(d.periodStart)} to ${formatDate(d.periodEnd)}`;
  return {
    number: receipt.number,
    issuedAt: receipt.createdAt,
    tenant,
    library,
    student: { name: student.name, phone: student.phone },
    payment: { method: p.method, provider: p.provider, reference: p.reference, amountPaise: p.amountPaise, refundedPaise: p.refundedPaise },
    lines: dues.filter((d) => byDue.has(d.id)).map((d) => ({ label: label(d), amountPaise: byDue.get(d.id)! })),
    creditPaise: p.credits.filter((c) => c.amountPaise > 0 && c.reason === 'advance').reduce((t, c) => t + c.amountPaise, 0),
    gst: receipt.gstin ? { taxablePaise: receipt.taxablePaise, cgstPaise: receipt.cgstPaise, sgstPaise: receipt.sgstPaise, igstPaise: receipt.igstPaise, placeOfSupply: receipt.placeOfSupply } : null,
  };
}

export function receiptRouter(platform: Platform): Router {
  const router = express.Router();
  router.get('/:token.pdf', async (req, res, next) => {
    try {
      const claims = readReceiptToken(platform, req.params.token);
      if (claims === 'invalid') return void res.status(404).json({ errors: [{ message: 'No such receipt link', extensions: { code: 'NOT_FOUND' } }] });
      if (claims === 'expired') return void res.status(410).json({ errors: [{ message: 'This receipt link has expired; ask for a new one', extensions: { code: 'LINK_EXPIRED' } }] });
      let view: ReceiptView | null;
      try {
        view = await platform.tenants.withTenant(claims.tenantId, (db) => receiptView(platform, claims.tenantId, db, claims.receiptId), { allowSuspended: true });
      } catch (err) {
        // A tenant deleted since the link was made: the receipt is gone with it.
        if (err instanceof TenantAccessError && err.code === 'TENANT_NOT_FOUND') view = null;
        else if (err instanceof TenantAccessError) return void res.status(503).json({ errors: [{ message: 'Receipts of this tenant cannot be opened right now; try again', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
        else throw err;
      }
      if (!view) return void res.status(404).json({ errors: [{ message: 'No such receipt', extensions: { code: 'NOT_FOUND' } }] });
      const pdf = await receiptPdf(view);
      res.set({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="receipt-${view.number.replace(/\//g, '-')}.pdf"`, 'cache-control': 'private, no-store' }).send(pdf);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
