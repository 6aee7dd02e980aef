// Expected failures of campus mutations are data: payloads carry userErrors whose code is the SDL's
// CampusErrorCode (base.graphql, generated into src/generated/) — the runtime's one user-error helper.
import { userErrors, type UserError } from '@studyspot/runtime';
import type { CampusErrorCode } from './generated/resolvers.ts';

export type { CampusErrorCode };
export type CampusUserError = UserError<CampusErrorCode>;

export const { userError: campusError, fail, isUserError } = userErrors<CampusErrorCode>();
