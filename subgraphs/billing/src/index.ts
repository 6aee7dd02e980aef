// The billing subgraph: one module put together from its areas (dues, payments, providers — the payment
// gateways' accounts, clients and routing —, webhooks, refunds, receipts, reports), each with its SDL,
// resolvers, services and SQL in its own folder.
import { fileURLToPath } from 'node:url';
import { DateScalar, DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { creditsResolvers } from './credits/credits.resolvers.ts';
import { duesResolvers } from './dues/dues.resolvers.ts';
import { providersResolvers } from './providers/providers.resolvers.ts';
import { billingLive, liveResolvers } from './live/live.resolvers.ts';
import { paymentsResolvers } from './payments/payments.resolvers.ts';
import { platformResolvers } from './platform/platform.resolvers.ts';
import { receiptsResolvers } from './receipts/receipts.resolvers.ts';
import { refundsResolvers } from './refunds/refunds.resolvers.ts';
import { reportsResolvers } from './reports/reports.resolvers.ts';
// Provides this subgraph's ports (runtime ports.ts) wherever the module is loaded.
import './ports.ts';

export const billingSubgraph: SubgraphModule = {
  name: 'billing',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers({ DateTime: DateTimeScalar, Date: DateScalar }, duesResolvers, paymentsResolvers, providersResolvers, refundsResolvers, receiptsResolvers, reportsResolvers, liveResolvers, platformResolvers, creditsResolvers),
  live: billingLive,
};

export { syncAllocationDues } from './dues/dues.sync.ts';
export { billingSweepOnce, startBillingSweeper } from './jobs/sweeper.ts';
export { receiptRouter } from './receipts/receipt.router.ts';
export { platformInvoiceRouter } from './platform/invoice.router.ts';
export { renewSubscriptions } from './platform/renewals.ts';
export { webhookRouter } from './webhooks/webhook.router.ts';
// Used by the demo seed, which goes through the same services as the API.
export { connectAccount } from './providers/accounts.ts';
export { resealGatewaySecrets, type RotationReport } from './providers/rotate.ts';
export { recordPayment } from './payments/offline.ts';
export { purchaseWholesale } from './credits/credits.service.ts';
export { createPlan } from './platform/plans.service.ts';
export { subscribe } from './platform/subscriptions.service.ts';
export { billingScope } from './shared/scope.ts';
