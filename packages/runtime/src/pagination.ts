// Relay connections with keyset pagination on (createdAt, id): stable under inserts, no OFFSET scans.
import { isUuid } from './context.ts';
import { badInput } from './errors.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface Cursor {
  createdAt: Date;
  id: string;
}

export interface Connection<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A page with nothing on it (a filter that can match nothing, an id that is not one). */
export const emptyConnection = <T>(): Connection<T> => ({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

/** A cursor this API handed out: an ISO timestamp and a row id. Anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string): Cursor {
  const [iso, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = iso && ISO.test(iso) ? new Date(iso) : new Date(NaN);
  if (!id || extra !== undefined || !isUuid(id) || Number.isNaN(createdAt.getTime())) throw badInput('Invalid cursor: pass an endCursor this API returned', 'after');
  return { createdAt, id };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A `where` value for an id column: the id itself, or one that matches nothing when the text cannot
 * be an id (PostgreSQL would refuse it as a uuid). A filter by an id that names nothing finds nothing.
 */
export const idFilter = (id: string): string | { in: string[] } => (isUuid(id) ? id : { in: [] });

export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > max) throw badInput(`first must be between 0 and ${max}`, 'first');
  return first;
}

export type Direction = 'asc' | 'desc';

/** A Prisma `where` fragment selecting rows after the cursor in (createdAt, id) order. */
export function afterCursorWhere(after: string | null | undefined, direction: Direction = 'asc') {
  if (!after) return {};
  const c = decodeCursor(after);
  const op = direction === 'asc' ? 'gt' : 'lt';
  return { OR: [{ createdAt: { [op]: c.createdAt } }, { createdAt: c.createdAt, id: { [op]: c.id } }] };
}

export const KEYSET_ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
export const KEYSET_ORDER_DESC = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * Builds a page: `fetch(take, where)` must return up to `take` rows ordered by KEYSET_ORDER and
 * filtered by `where` (merge it with the caller's own filters).
 */
export async function paginate<T extends { createdAt: Date; id: string }>(
  args: ConnectionArgs,
  fetch: (take: number, where: ReturnType<typeof afterCursorWhere>) => Promise<T[]>,
  direction: Direction = 'asc',
  maxSize = MAX_PAGE_SIZE,
): Promise<Connection<T>> {
  const size = pageSize(args.first, maxSize);
  const rows = size === 0 ? [] : await fetch(size + 1, afterCursorWhere(args.after, direction));
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
