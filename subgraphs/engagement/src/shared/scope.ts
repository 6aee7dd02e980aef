// Who is acting and which branches they see — one rule for every area of engagement.
import type { RequestScope } from '@studyspot/runtime';

/** The acting account (null for a job). */
export const actorOf = (s: Pick<RequestScope, 'actor'>) => (s.actor.kind === 'user' ? s.actor.id : null);

/** Whether a library is in the caller's branches (owners, platform roles and jobs see all). */
export const inBranches = (s: Pick<RequestScope, 'libraryIds'>, libraryId: string) => s.libraryIds === null || s.libraryIds.includes(libraryId);

/** The libraries a list is limited to: the one asked for when the caller sees it (else none), or the caller's branches (null: all). */
export const branchesAsked = (s: Pick<RequestScope, 'libraryIds'>, libraryId: string | null | undefined): string[] | null =>
  libraryId ? (inBranches(s, libraryId) ? [libraryId] : []) : s.libraryIds;
