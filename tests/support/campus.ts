// Campus fixtures: a library with seats and shifts set up through the API, students imported from CSV.
import { clock } from '@studyspot/runtime';
import { gql } from './supergraph.ts';

/** Today in IST by the process clock (STUDYSPOT_NOW pins it in the CI date matrix). */
export const today = () => {
  const d = new Date(clock.processNow().getTime() + 330 * 60_000);
  return d.toISOString().slice(0, 10);
};
export const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** The last day of the billing month that starts on `date` (Jan 31 → Feb 27/28: the day before the same day next month, clamped). */
export const monthEnd = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 0)).getUTCDate();
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, Math.min(d.getUTCDate(), last)));
  return plusDays(next.toISOString().slice(0, 10), -1);
};

export function csvOf(n: number, offset = 0): string {
  const rows = ['name,phone,email,guardianName,preparingFor,joinedOn,idProofType,idProofNumber'];
  for (let i = 0; i < n; i++) {
    const k = i + offset;
    rows.push(`Student ${k},9${String(700000000 + k).padStart(9, '0')},s${k}@mail.test,Parent ${k},UPSC CSE,2026-01-${String((k % 28) + 1).padStart(2, '0')},AADHAAR,1234 5678 ${String(1000 + (k % 9000)).padStart(4, '0')}`);
  }
  return rows.join('\n');
}

export interface CampusSetup {
  libraryId: string;
  seatIds: string[];
  shifts: Record<'morning' | 'evening' | 'fullDay', string>;
}

/** A library with `seats` seats (one zone per 30) and Morning, Evening and Full day shifts. */
export async function setUpLibrary(url: string, token: string, seats = 60, name = 'Main branch'): Promise<CampusSetup> {
  const lib = await gql(
    url,
    `mutation($i: LibraryInput!) { createLibrary(input: $i) { library { id } userErrors { code message } } }`,
    {
      token,
      variables: {
        i: {
          name,
          city: 'Pune',
          address: 'FC Road',
          state: 'MH',
          latitude: 18.52,
          longitude: 73.84,
          capacity: seats,
          amenities: ['wifi', 'AC'],
          // Open all day, so check-ins in tests do not depend on the hour the suite runs at.
          openingHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '00:00', closes: '23:59' })),
        },
      },
    },
  );
  const libraryId = (lib.data!.createLibrary as { library: { id: string } }).library.id;
  const seatIds: string[] = [];
  for (let z = 0; z * 30 < seats; z++) {
    const rows = Math.ceil(Math.min(30, seats - z * 30) / 10);
    const r = await gql(url, 'mutation($l: ID!, $g: SeatGridInput!) { createSeats(libraryId: $l, grid: $g) { seats { id } userErrors { code message } } }', {
      token,
      variables: { l: libraryId, g: { zone: `Hall ${z + 1}`, rows, columns: 10, prefix: `H${z + 1}-`, kind: z === 0 ? 'AC' : 'NON_AC' } },
    });
    seatIds.push(...(r.data!.createSeats as { seats: { id: string }[] }).seats.map((s) => s.id));
  }
  const shift = async (name: string, startTime: string, endTime: string, price: number) =>
    ((await gql(url, 'mutation($l: ID!, $i: ShiftInput!) { createShift(libraryId: $l, input: $i) { shift { id } userErrors { code message } } }', {
      token,
      variables: { l: libraryId, i: { name, startTime, endTime, monthlyPricePaise: price } },
    })).data!.createShift as { shift: { id: string } }).shift.id;
  const shifts = { morning: await shift('Morning', '06:00', '14:00', 90_000), evening: await shift('Evening', '14:00', '22:00', 90_000), fullDay: await shift('Full day', '06:00', '22:00', 150_000) };
  return { libraryId, seatIds: seatIds.slice(0, seats), shifts };
}
