// The engagement port (runtime ports.ts): what other subgraphs may read of engagement — a student's
// help-desk tickets, for insights' risk scores (open complaints). Provided when this module loads.
import { providePorts } from '@studyspot/runtime';
import { ticketsOfStudents } from './tickets/tickets.repository.ts';

providePorts({
  engagement: {
    ticketsOf: async (db, studentIds) =>
      studentIds.length ? (await ticketsOfStudents(db, studentIds)).map((t) => ({ studentId: t.studentId, openedAt: t.createdAt, resolvedAt: t.resolvedAt ?? t.closedAt })) : [],
  },
});
