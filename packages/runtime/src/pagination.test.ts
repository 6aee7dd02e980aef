import { describe, expect, it } from 'vitest';
import { afterCursorWhere, decodeCursor, encodeCursor, paginate } from './pagination.ts';

const rows = Array.from({ length: 5 }, (_, i) => ({ id: `id-${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }));

describe('pagination', () => {
  it('round-trips cursors', () => {
    expect(decodeCursor(encodeCursor(rows[2]!))).toEqual({ createdAt: rows[2]!.createdAt, id: 'id-2' });
  });

  it('rejects a forged cursor with BAD_USER_INPUT', () => {
    expect(() => decodeCursor('bm9wZQ')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
  });

  it('builds a keyset filter on (createdAt, id)', () => {
    const c = encodeCursor(rows[1]!);
    expect(afterCursorWhere(c)).toEqual({ OR: [{ createdAt: { gt: rows[1]!.createdAt } }, { createdAt: rows[1]!.createdAt, id: { gt: 'id-1' } }] });
    expect(afterCursorWhere(null)).toEqual({});
    expect(afterCursorWhere(c, 'desc')).toEqual({ OR: [{ createdAt: { lt: rows[1]!.createdAt } }, { createdAt: rows[1]!.createdAt, id: { lt: 'id-1' } }] });
  });

  it('asks for one extra row to know whether another page follows', async () => {
    const takes: number[] = [];
    const page = await paginate({ first: 2 }, async (take) => {
      takes.push(take);
      return rows.slice(0, take);
    });
    expect(takes).toEqual([3]);
    expect(page.edges.map((e) => e.node.id)).toEqual(['id-0', 'id-1']);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: encodeCursor(rows[0]!), endCursor: encodeCursor(rows[1]!) });
  });

  it('bounds the page size', async () => {
    await expect(paginate({ first: 101 }, async () => [])).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    await expect(paginate({ first: -1 }, async () => [])).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
