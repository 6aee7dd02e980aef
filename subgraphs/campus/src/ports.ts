// The campus port (runtime ports.ts): what other subgraphs may read of campus, on the tenant database
// they hold. Provided when this module loads.
import { providePorts } from '@studyspot/runtime';
import { activatedSince, activeSince, heldOffers } from './allocations/allocations.repository.ts';
import { lastCheckIns } from './attendance/attendance.repository.ts';
import { countLibraries } from './libraries/libraries.repository.ts';
import { findStudentByPhone, studentContacts, studentsInAudience } from './students/students.repository.ts';

providePorts({
  campus: {
    studentByPhone: (db, phone) => findStudentByPhone(db, phone),
    librariesExist: async (db, ids) => (await countLibraries(db, [...new Set(ids)])) === new Set(ids).size,
    students: (db, ids) => studentContacts(db, ids),
    audience: (db, a, today) => studentsInAudience(db, a, today),
    activatedSince: (db, since) => activatedSince(db, since),
    heldOffers: (db, now) => heldOffers(db, now),
    activeSince: (db, startedBy, today) => activeSince(db, startedBy, today),
    lastCheckIns: (db, ids) => lastCheckIns(db, ids),
  },
});
