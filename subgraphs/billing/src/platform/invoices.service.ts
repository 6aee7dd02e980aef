// The platform's tax invoices to tenants. Plan prices and packs are before GST; 18% is added:
// CGST + SGST (9% each, equal halves) when the tenant's state is the platform's, IGST
// otherwise (a tenant without a state is taxed as in the platform's state). Numbers come from a
// gap-free series per Indian financial year, taken in the transaction that writes the invoice; the
// same bill asked twice (its dedupe key) is the same invoice.
import type { CorePrisma } from '@studyspot/db';
import { dayOf, ports, type Platform } from '@studyspot/runtime';
import { financialYear } from '../dues/dates.ts';
import { taxOnTop } from '../shared/tax.ts';
import * as repo from './platform.repository.ts';

export interface InvoiceLine {
  label: string;
  amountPaise: number;
}

export function gstOnTop(taxablePaise: number, sellerState: string, placeOfSupply: string | null) {
  // A tenant without a state is taxed as in the platform's state.
  return taxOnTop(taxablePaise, sellerState, placeOfSupply ?? sellerState);
}

export async function issueInvoice(
  platform: Pick<Platform, 'core' | 'config'>,
  i: { tenantId: string; subscriptionId?: string | null; kind: 'SUBSCRIPTION' | 'UPGRADE' | 'CREDITS'; dedupeKey: string; credits?: number | null; lines: InvoiceLine[]; issuedOn: string; dueOn: string; periodStart?: string | null; periodEnd?: string | null },
) {
  const core: CorePrisma = platform.core;
  const existing = await repo.invoiceByDedupeKey(core, i.dedupeKey);
  if (existing) return existing;
  const tenant = await ports.tenants.profile(core, i.tenantId);
  if (!tenant) throw new Error(`No tenant ${i.tenantId} to invoice`);
  const taxablePaise = i.lines.reduce((n, l) => n + l.amountPaise, 0);
  const tax = gstOnTop(taxablePaise, platform.config.platformSeller.state, tenant.state);
  const fy = financialYear(dayOf(i.issuedOn));
  try {
    return await repo.createInvoice(core, fy, () => ({
          tenantId: i.tenantId,
          subscriptionId: i.subscriptionId ?? null,
          kind: i.kind,
          dedupeKey: i.dedupeKey,
          credits: i.credits ?? null,
          lines: i.lines.map((l) => ({ label: l.label, amountPaise: l.amountPaise })),
          taxablePaise,
          ...tax,
          placeOfSupply: tenant.state ?? platform.config.platformSeller.state,
          tenantGstin: tenant.gstin,
          periodStart: i.periodStart ? dayOf(i.periodStart) : null,
          periodEnd: i.periodEnd ? dayOf(i.periodEnd) : null,
          issuedOn: dayOf(i.issuedOn),
          dueOn: dayOf(i.dueOn),
    }));
  } catch (err) {
    // The same bill raced: the other made it (and this number was never used: the transaction rolled back).
    const raced = await repo.invoiceByDedupeKey(core, i.dedupeKey);
    if (raced) return raced;
    throw err;
  }
}
