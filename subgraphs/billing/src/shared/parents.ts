// What each billing type's resolvers receive as their parent (the generated resolver types' mappers,
// codegen.ts): the repository row, or the view a resolver builds from it.
import type { PlatformInvoice } from '@studyspot/db/core';
import type { RoutingDecision } from '../providers/routing.ts';
import type { platformStock } from '../credits/ledger.repository.ts';
import type { collections } from '../reports/collections.ts';

export type { WalletRow as WalletParent } from '../credits/ledger.repository.ts';
export type { DueAdjustment as DueAdjustmentParent, PaymentAllocation as PaymentAllocationParent } from '@studyspot/db/tenant';
export type PlatformCreditsParent = Awaited<ReturnType<typeof platformStock>>;
export type RoutingParent = RoutingDecision;
export type LibraryCollectionParent = Awaited<ReturnType<typeof collections>>['byLibrary'][number];
/** An invoice as the API shows it (platform.resolvers invoiceView): its tenant and signed PDF link. */
export type PlatformInvoiceParent = PlatformInvoice & { tenant: { __typename: 'Tenant'; id: string }; pdfUrl: string };
