// Expected failures of billing mutations are data: payloads carry userErrors whose code is one of the
// SDL's enums (generated into src/generated/) — BillingErrorCode for a tenant's money (base.graphql),
// PlatformBillingErrorCode for plans, subscriptions, platform invoices and SMS credits
// (platform.graphql) — through the runtime's one user-error helper.
import { userErrors, type UserError } from '@studyspot/runtime';
import type { BillingErrorCode, PlatformBillingErrorCode } from './generated/resolvers.ts';

export type { BillingErrorCode, PlatformBillingErrorCode };
export type BillingUserError = UserError<BillingErrorCode>;
export type PlatformUserError = UserError<PlatformBillingErrorCode>;

export const { userError: billingError, fail } = userErrors<BillingErrorCode>();
export const { fail: platformFail } = userErrors<PlatformBillingErrorCode>();
