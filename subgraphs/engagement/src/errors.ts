// Expected failures of engagement mutations are data: payloads carry userErrors whose code is the
// SDL's EngagementErrorCode (base.graphql, generated into src/generated/) — the runtime's one helper.
import { userErrors, type UserError } from '@studyspot/runtime';
import type { EngagementErrorCode } from './generated/resolvers.ts';

export type { EngagementErrorCode };
export type EngagementUserError = UserError<EngagementErrorCode> & { retryAfterSeconds?: number };

/** A user error; `field` is the path under the mutation's arguments (e.g. 'input', 'phone'). */
export const { userError: engagementError, fail, isUserError } = userErrors<EngagementErrorCode>();
