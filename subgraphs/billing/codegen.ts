// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  Due: '../dues/dues.repository.ts#Due',
  Payment: '../payments/payments.repository.ts#Payment',
  PaymentOrder: '../payments/payments.repository.ts#PaymentOrder',
  Receipt: '../receipts/receipts.repository.ts#Receipt',
  SupplyInvoice: '../receipts/supply-invoices.repository.ts#SupplyInvoiceRow',
  Refund: '../refunds/refunds.repository.ts#Refund',
  GatewayAccount: '../providers/providers.repository.ts#AccountRow',
  Wallet: '../shared/parents.ts#WalletParent',
  PlatformCredits: '../shared/parents.ts#PlatformCreditsParent',
  DueAdjustment: '../shared/parents.ts#DueAdjustmentParent',
  PaymentAllocation: '../shared/parents.ts#PaymentAllocationParent',
  Routing: '../shared/parents.ts#RoutingParent',
  LibraryCollection: '../shared/parents.ts#LibraryCollectionParent',
  PlatformInvoice: '../shared/parents.ts#PlatformInvoiceParent',
  Student: '{ id: string }',
  Library: '{ id: string }',
  SeatAllocation: '{ id: string }',
  Tenant: '{ id: string }',
  TenantStats: '{ tenantId: string }',
});
