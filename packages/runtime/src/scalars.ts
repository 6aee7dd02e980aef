// The custom scalars every subgraph and the gateway share. Strict: an impossible date (2026-02-30),
// a month 13, a year outside 1000–9999 or a bare "1" is refused as BAD_USER_INPUT, in literals and in
// variables alike. The gateway attaches these to its API schema so a bad value is refused before
// planning, naming the argument; the subgraphs check again with the same code.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { formatDate } from './days.ts';

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

function realDay(y: string, m: string, d: string): Date | null {
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(m) - 1 && day.getUTCDate() === Number(d) && Number(y) >= 1000 ? day : null;
}

/** Parses YYYY-MM-DD; null for malformed or impossible dates (2026-02-30, 2026-13-01). */
export function parseDate(s: string): Date | null {
  const m = DATE.exec(s);
  return m ? realDay(m[1]!, m[2]!, m[3]!) : null;
}

/** Parses an ISO-8601 timestamp with a zone (Z or ±HH:MM); null for anything else or an impossible one. */
export function parseDateTime(s: string): Date | null {
  const m = DATE_TIME.exec(s);
  if (!m || !realDay(m[1]!, m[2]!, m[3]!)) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
  const zone = m[8]!;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}


function strictScalar(name: string, description: string, expected: string, parse: (s: string) => Date | null, format: (d: Date) => string) {
  const read = (v: unknown) => {
    const d = typeof v === 'string' && v.length <= 40 ? parse(v) : null;
    if (!d) throw bad(`${name} must be ${expected}; got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v}`);
    return d;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (v) => (v instanceof Date ? format(v) : String(v)),
    parseValue: read,
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) throw bad(`${name} must be a string: ${expected}`);
      return read(ast.value);
    },
  });
}

/** ISO-8601 timestamps in UTC. */
export const DateTimeScalar = strictScalar(
  'DateTime',
  'An ISO-8601 timestamp in UTC, e.g. 2026-11-21T09:30:00.000Z.',
  'an ISO-8601 timestamp with a zone, e.g. 2026-11-21T09:30:00Z, with a year from 1000 to 9999',
  parseDateTime,
  (d) => d.toISOString(),
);

/** Calendar dates (India Standard Time days in campus). */
export const DateScalar = strictScalar('Date', 'A calendar date, YYYY-MM-DD.', 'a real calendar date as YYYY-MM-DD, e.g. 2026-04-01', parseDate, formatDate);
