// Expected failures of tenancy mutations are data: payloads carry userErrors whose code is the SDL's
// TenancyErrorCode (base.graphql, generated into src/generated/) — the runtime's one user-error helper.
import { userErrors, type UserError } from '@studyspot/runtime';
import type { TenancyErrorCode } from './generated/resolvers.ts';

export type { TenancyErrorCode };
export type TenancyUserError = UserError<TenancyErrorCode>;

/** A user error; `field` is the path under the mutation's arguments (e.g. 'input', 'owner', 'email'). */
export const { userError: tenancyError, fail, isUserError } = userErrors<TenancyErrorCode>();
