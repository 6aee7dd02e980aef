import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { BUSY_MESSAGE, maskError, MASKED_MESSAGE, retryBusy, UNREACHABLE_MESSAGE } from './errors.ts';

describe('maskError', () => {
  it('keeps errors with a public code and drops their stack trace', () => {
    const out = maskError({ message: 'Tenant not found', path: ['tenant'], extensions: { code: 'NOT_FOUND', stacktrace: ['at x'] } });
    expect(out).toEqual({ message: 'Tenant not found', path: ['tenant'], locations: undefined, extensions: { code: 'NOT_FOUND' } });
  });

  it('masks errors without a code, with an unknown code, or INTERNAL_SERVER_ERROR', () => {
    for (const extensions of [undefined, { code: 'DOWNSTREAM_SERVICE_ERROR' }, { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] }]) {
      const out = maskError({ message: 'relation "students" does not exist at pg/lib/client.js:12', path: ['students'], extensions });
      expect(out).toEqual({ message: MASKED_MESSAGE, path: ['students'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
  });

  it('lets Apollo request errors through', () => {
    expect(maskError({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }).message).toBe('Syntax Error');
  });

  it("answers SERVICE_UNAVAILABLE (retryable) for Prisma's transient transaction failures, and masks other Prisma errors", () => {
    const prismaError = (code: string) => Object.assign(new Error(`Transaction API error: ${code}`), { code, clientVersion: '7.10.0' });
    for (const code of ['P2024', 'P2028', 'P2034']) {
      const thrown = new GraphQLError('Transaction API error', { path: ['refundPayment'], originalError: prismaError(code) });
      expect(maskError({ message: thrown.message, path: ['refundPayment'] }, thrown)).toEqual({ message: BUSY_MESSAGE, path: ['refundPayment'], extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    }
    const unique = new GraphQLError('Unique constraint failed', { originalError: prismaError('P2002') });
    expect(maskError({ message: unique.message }, unique).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('answers SERVICE_UNAVAILABLE (DATABASE_UNREACHABLE) when the server ended or refused the connection, as during a tenant move', () => {
    // The shape Prisma 7 gives a driver adapter's error (P2039 with the PostgreSQL error in meta).
    const driver = (originalCode: string, originalMessage: string) =>
      Object.assign(new Error('Invalid `db.student.create()` invocation'), { code: 'P2039', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode, originalMessage, kind: 'postgres' } } } });
    const lost = [
      driver('57P01', 'terminating connection due to administrator command'),
      driver('55000', 'database "t" is not currently accepting connections'),
      driver('3D000', 'database "t" does not exist'),
      Object.assign(new Error("Can't reach database server"), { code: 'P1001' }),
      // PgBouncer with its server down, as Prisma reports it (the code in the message only).
      Object.assign(new Error('\nInvalid `prisma.library.findUnique()` invocation:\n\n\nDatabase error. Code: `08P01`. Message: `query_wait_timeout`'), { code: 'P2010' }),
      driver('08P01', 'server login has been failing, try again later (server_login_retry)'),
      // A moved tenant's database closed through its old server's PgBouncer (DISABLE, KILL).
      Object.assign(new Error('\nInvalid `prisma.student.create()` invocation:\n\n\nDatabase error. Code: `08P01`. Message: `database removed`'), { code: 'P2010' }),
      driver('08P01', 'database "topo_t_38" is disabled'),
      // node-postgres, when its socket closes mid-query (PgBouncer killed), unwrapped by Prisma.
      new Error('Connection terminated unexpectedly'),
    ];
    for (const cause of lost) {
      const thrown = new GraphQLError(cause.message, { path: ['createStudent'], originalError: cause });
      expect(maskError({ message: thrown.message, path: ['createStudent'] }, thrown)).toEqual({ message: UNREACHABLE_MESSAGE, path: ['createStudent'], extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_UNREACHABLE' } });
    }
    // Another 55000 (object not in prerequisite state) and other driver errors stay masked.
    for (const cause of [driver('55000', 'sequence is not yet defined in this session'), driver('23505', 'duplicate key'), driver('08P01', 'invalid message format')]) {
      const thrown = new GraphQLError(cause.message, { originalError: cause });
      expect(maskError({ message: thrown.message }, thrown).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    }
  });
});

describe('retryBusy', () => {
  const busy = () => Object.assign(new Error('Transaction API error'), { code: 'P2028' });
  it('runs again after a transient failure, and gives up after the attempts or on any other error', async () => {
    let calls = 0;
    await expect(retryBusy(async () => (++calls < 3 ? Promise.reject(busy()) : 'done'))).resolves.toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryBusy(async () => (++calls, Promise.reject(busy())), 2)).rejects.toMatchObject({ code: 'P2028' });
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryBusy(async () => (++calls, Promise.reject(Object.assign(new Error('unique'), { code: 'P2002' }))))).rejects.toMatchObject({ code: 'P2002' });
    expect(calls).toBe(1);
  });
});
