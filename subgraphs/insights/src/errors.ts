// Expected failures of insights mutations are data: payloads carry userErrors whose code is the SDL's
// InsightsErrorCode (base.graphql, generated into src/generated/) — the runtime's one helper.
import { userErrors, type UserError } from '@studyspot/runtime';
import type { InsightsErrorCode } from './generated/resolvers.ts';

export type { InsightsErrorCode };
export type InsightsUserError = UserError<InsightsErrorCode>;

/** A user error; `field` is the path under the mutation's arguments (e.g. 'from'). */
export const { userError: insightsError, fail, isUserError } = userErrors<InsightsErrorCode>();
