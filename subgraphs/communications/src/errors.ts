// Expected failures of communications mutations are data: payloads carry userErrors whose code is the
// SDL's CommunicationsErrorCode (base.graphql, generated into src/generated/) — the runtime's one
// user-error helper. PREFERENCE_OFF is internal: a student who turned SMS off is reported per
// recipient (notifyUsers' notTexted, a campaign's skipped recipients), never as a mutation's userError.
import { userErrors, type UserError } from '@studyspot/runtime';
import type { CommunicationsErrorCode } from './generated/resolvers.ts';

export type { CommunicationsErrorCode };
export type SendRefusal = CommunicationsErrorCode | 'PREFERENCE_OFF';
export type CommunicationsUserError = UserError<CommunicationsErrorCode>;

export const { userError: commsError, fail } = userErrors<CommunicationsErrorCode>();
/** A send refused for one recipient: the mutation's codes, or PREFERENCE_OFF (sendOne's callers sort them out). */
export const { fail: refuseSend } = userErrors<SendRefusal>();
