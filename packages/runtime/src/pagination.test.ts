import { describe, expect, it } from 'vitest';
import { afterCursorWhere, decodeCursor, encodeCursor, paginate } from './pagination.ts';

// Row ids are UUIDs, as every id here is.
const rows = Array.from({ length: 5 }, (_, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }));

describe('pagination', () => {
  it('round-trips cursors', () => {
    expect(decodeCursor(encodeCursor(rows[2]!))).toEqual({ createdAt: rows[2]!.createdAt, id: rows[2]!.id });
  });

  it('rejects a forged cursor with BAD_USER_INPUT, also one that decodes to a date and garbage', () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const c of ['bm9wZQ', forged('2026-01-01T00:00:00.000Z|not-a-uuid'), forged('99999-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001'), forged(`2026-01-01T00:00:00.000Z|${rows[0]!.id}|x`)]) {
      expect(() => decodeCursor(c), c).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
    }
  });

  it('builds a keyset filter on (createdAt, id)', () => {
    const c = encodeCursor(rows[1]!);
    expect(afterCursorWhere(c)).toEqual({ OR: [{ createdAt: { gt: rows[1]!.createdAt } }, { createdAt: rows[1]!.createdAt, id: { gt: rows[1]!.id } }] });
    expect(afterCursorWhere(null)).toEqual({});
    expect(afterCursorWhere(c, 'desc')).toEqual({ OR: [{ createdAt: { lt: rows[1]!.createdAt } }, { createdAt: rows[1]!.createdAt, id: { lt: rows[1]!.id } }] });
  });

  it('asks for one extra row to know whether another page follows', async () => {
    const takes: number[] = [];
    const page = await paginate({ first: 2 }, async (take) => {
      takes.push(take);
      return rows.slice(0, take);
    });
    expect(takes).toEqual([3]);
    expect(page.edges.map((e) => e.node.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: encodeCursor(rows[0]!), endCursor: encodeCursor(rows[1]!) });
  });

  it('bounds the page size', async () => {
    await expect(paginate({ first: 101 }, async () => [])).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    await expect(paginate({ first: -1 }, async () => [])).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
