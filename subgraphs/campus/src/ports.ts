// The campus port (runtime ports.ts): what other subgraphs may read of campus, on the tenant database
// they hold. Provided when this module loads.
import { providePorts } from '@studyspot/runtime';
import { campusDayFacts, campusDayRows, campusFirstDay, studentActivity } from './analytics/dayfacts.repository.ts';
import { activatedSince, activeSince, changedSince, heldOffers, idsInShift, lockForDues } from './allocations/allocations.repository.ts';
import { lastCheckIns } from './attendance/attendance.repository.ts';
import { countAllLibraries, countLibraries, findLibrary, libraryAddresses } from './libraries/libraries.repository.ts';
import { countAllSeats } from './seats/seats.repository.ts';
import { addOpenMinutes, openMinutesBetween, type WeekdayHours } from './libraries/opening-hours.ts';
import { countCountedStudents, findStudentByPhone, studentContacts, studentsByIdPrefix, studentsInAudience } from './students/students.repository.ts';
import { studentOfAccount } from './students/students.service.ts';
import { admit } from './allocations/admission.service.ts';
import { shiftsByIds } from './seats/seats.repository.ts';
import { freeSeats } from './seats/seats.service.ts';
import { scope } from './shared/scope.ts';

/** A library's opening hours (none: always open). */
const hoursOf = async (db: Parameters<typeof findLibrary>[0], libraryId: string) => ((await findLibrary(db, libraryId))?.openingHours as WeekdayHours[] | null) ?? [];

providePorts({
  campus: {
    dayFacts: (db, range, libraryIds) => campusDayFacts(db, range, libraryIds),
    dayRows: (db, a) => campusDayRows(db, a),
    firstDay: (db) => campusFirstDay(db),
    studentActivity: (db, from, to, libraryIds) => studentActivity(db, from, to, libraryIds),
    studentByPhone: (db, phone) => findStudentByPhone(db, phone),
    openDeadlines: async (db, libraryId, spans) => {
      const hours = await hoursOf(db, libraryId);
      return spans.map((x) => addOpenMinutes(hours, x.from, x.minutes));
    },
    openMinutesBetween: async (db, libraryId, from, to) => openMinutesBetween(await hoursOf(db, libraryId), from, to),
    studentsByIdPrefix: (db, hex12) => (/^[0-9a-f]{12}$/.test(hex12) ? studentsByIdPrefix(db, hex12) : Promise.resolve([])),
    librariesExist: async (db, ids) => (await countLibraries(db, [...new Set(ids)])) === new Set(ids).size,
    students: (db, ids) => studentContacts(db, ids),
    audience: (db, a, today) => studentsInAudience(db, a, today),
    activatedSince: (db, since) => activatedSince(db, since),
    heldOffers: (db, now) => heldOffers(db, now),
    activeSince: (db, startedBy, today) => activeSince(db, startedBy, today),
    lastCheckIns: (db, ids) => lastCheckIns(db, ids),
    shifts: async (db, ids) => (await shiftsByIds(db, ids)).map((x) => ({ id: x.id, name: x.name, libraryId: x.libraryId })),
    freeSeats: (db, a) => freeSeats(db, a),
    admit: async (ctx, tenantId, a) => admit(ctx, await scope(ctx, tenantId), a),
    studentOfAccount: async (core, db, userId) => (await studentOfAccount(core, db, userId))?.id ?? null,
    libraries: (db, ids) => libraryAddresses(db, ids),
    allocationsChangedSince: (db, since) => changedSince(db, since),
    allocationIdsInShift: (db, shiftId) => idsInShift(db, shiftId),
    lockAllocationForDues: (tx, id) => lockForDues(tx, id),
    usage: async (db) => {
      const [libraries, seats, students] = await Promise.all([countAllLibraries(db), countAllSeats(db), countCountedStudents(db)]);
      return { libraries, seats, students };
    },
  },
});
