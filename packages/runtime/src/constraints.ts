// The one place that reads a database constraint violation out of an error, whichever layer reported
// it: Prisma's P2002 (unique) or the driver adapter's SQLSTATE (23505 unique, 23P01 exclusion).
// Repositories call it to turn a violation into a result their service can answer with a user error.

export class ConstraintViolation {
  constructor(
    readonly kind: 'unique' | 'exclusion',
    /** The constraint's description as reported (columns, constraint name), for telling constraints apart. */
    readonly detail: string,
  ) {}

  /** Whether the constraint names this column or constraint. */
  on(name: string): boolean {
    return this.detail.includes(name);
  }
}

type DbError = {
  code?: string;
  message?: string;
  meta?: { target?: unknown; driverAdapterError?: { cause?: { originalCode?: string; constraint?: unknown } } } & Record<string, unknown>;
};

export function constraintViolation(err: unknown): ConstraintViolation | null {
  const e = (err ?? {}) as DbError;
  // The columns or constraint name only: a message may quote the whole statement, values included.
  const named = /constraint "(\w+)"/.exec(e.message ?? '')?.[1];
  const detail = `${JSON.stringify(e.meta ?? {})}${named ? ` ${named}` : ''}`;
  const original = e.meta?.driverAdapterError?.cause?.originalCode;
  if (original === '23P01' || /23P01|exclusion constraint/.test(e.message ?? '')) return new ConstraintViolation('exclusion', detail);
  if (e.code === 'P2002' || original === '23505') return new ConstraintViolation('unique', detail);
  return null;
}

/** Runs a write and returns the violation it hit instead of throwing; any other error is thrown. */
export async function orViolation<T>(write: Promise<T>): Promise<T | ConstraintViolation> {
  try {
    return await write;
  } catch (err) {
    const v = constraintViolation(err);
    if (v) return v;
    throw err;
  }
}

export const isViolation = (x: unknown): x is ConstraintViolation => x instanceof ConstraintViolation;
