// One closed set of error codes. Expected business failures are data (payload userErrors); these
// codes are for thrown GraphQL errors. Anything without a public code is masked before it leaves.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  TENANT_SUSPENDED: 'TENANT_SUSPENDED',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes Apollo Server itself assigns to malformed requests; safe to show as they are. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // The gateway's own refusals: operation limits, request bodies.
  'OPERATION_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  // Trusted documents (gateway/src/fast/trusted.ts): TRUSTED_DOCUMENTS refused a document outside the manifests.
  'PERSISTED_QUERY_NOT_IN_LIST',
]);

const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode).filter((c) => c !== 'INTERNAL_SERVER_ERROR'), ...REQUEST_CODES]);

export class AppError extends GraphQLError {
  constructor(code: Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const unauthenticated = (message = 'Authentication required') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, field?: string) => new AppError('BAD_USER_INPUT', message, field ? { field } : {});

export function isPublicCode(code: unknown): boolean {
  return typeof code === 'string' && PUBLIC_CODES.has(code);
}

export const MASKED_MESSAGE = 'Internal server error';
export const BUSY_MESSAGE = 'The database is busy; nothing was changed, try again';

/**
 * Prisma's transient failures: no pooled connection within the wait (P2024), a transaction that could
 * not start or ran out of time (P2028), a write conflict or deadlock (P2034). The transaction was
 * rolled back, so the caller may safely retry.
 */
const BUSY_CODES = new Set(['P2024', 'P2028', 'P2034']);
export function isBusyDatabase(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && BUSY_CODES.has(code)) return true;
    e = (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * Runs `fn` again, up to `attempts` times in all, when it fails with a transient database error
 * (isBusyDatabase: the transaction was rolled back). Only for work that touches nothing but the
 * database: anything else it did would be done again.
 */
export async function retryBusy<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isBusyDatabase(err)) throw err;
      await new Promise((r) => setTimeout(r, 25 * attempt * (1 + Math.random())));
    }
  }
}

export const UNREACHABLE_MESSAGE = "The tenant's database connection was lost (the tenant may be moving to another server, or its server restarting); try again";

/**
 * The server ended or refused the connection: 57P01 (terminated: a tenant move ends the connections
 * of writers waiting on its fence, whose transactions never committed), 57P02/57P03 (shutting down,
 * starting), 55000 "not currently accepting connections" (a moved tenant's old database, reached by a
 * request that began before the move), 3D000 (that database dropped), PostgreSQL's 08 class, and
 * PgBouncer's 08P01 when the server behind it is down (query_wait_timeout, server_login_retry).
 * Prisma reports them as P2039 with the driver's error in `meta`, or as P1001/P1017.
 */
const LOST_CODES = new Set(['57P01', '57P02', '57P03', '55000', '3D000', '08000', '08003', '08006', '08P01']);
/** PgBouncer answers 08P01 when it cannot reach the server; other 08P01s are protocol errors (ours). */
const POOLER_LOST = /query_wait_timeout|server_login_retry|server conn crashed|pgbouncer cannot connect|no more connections allowed|server_connect_timeout|database removed|database "[^"]*" is disabled/;
export function isUnreachableDatabase(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const { code, meta, message } = e as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown } } } };
    if (code === 'P1001' || code === 'P1017') return true;
    // node-postgres's own error when the socket closes under a query (a pooler or server killed).
    if (code === undefined && (message === 'Connection terminated unexpectedly' || message === 'Connection terminated')) return true;
    const cause = meta?.driverAdapterError?.cause;
    // Prisma reports a database's error either with the driver's error in meta or in its message only.
    const fromMessage = /Database error\. Code: `(\w+)`\. Message: `([^`]*)`/.exec(String(message ?? ''));
    const pgCode = typeof cause?.originalCode === 'string' ? cause.originalCode : fromMessage?.[1];
    const pgMessage = String(cause?.originalMessage ?? fromMessage?.[2] ?? '');
    if (pgCode && LOST_CODES.has(pgCode)) {
      if (pgCode === '55000') return /not currently accepting connections/.test(pgMessage);
      if (pgCode === '08P01') return POOLER_LOST.test(pgMessage);
      return true;
    }
    e = (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/** A database failure the caller may meet again and retry, as the error it sees (null: not one). */
export function transientDatabaseError(error: unknown): { message: string; extensions: Record<string, unknown> } | null {
  if (isBusyDatabase(error)) return { message: BUSY_MESSAGE, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryable: true } };
  if (isUnreachableDatabase(error)) return { message: UNREACHABLE_MESSAGE, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'DATABASE_UNREACHABLE' } };
  return null;
}

/**
 * formatError for every Apollo Server here: keeps errors with a public code (minus stack traces),
 * masks everything else. Unexpected errors are logged with the request id by the errors plugin.
 */
export function maskError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const transient = transientDatabaseError(error);
  if (transient) return { ...transient, path: formatted.path };
  const code = formatted.extensions?.code;
  if (isPublicCode(code)) {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  return { message: MASKED_MESSAGE, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

// graphql-js reports values that do not fit an argument's or variable's type with messages like
// these and no code; they are the caller's mistake, not ours.
const COERCION = /^(Argument "[^"]+" (has invalid value|of required type|of non-null type)|Variable "\$[^"]+" (got invalid value|of required type|of non-null type))/;

/** The same error with BAD_USER_INPUT when graphql-js refused an input value; otherwise null. */
export function inputCoercionError(e: GraphQLError): GraphQLError | null {
  if (e.extensions?.code || !COERCION.test(e.message)) return null;
  return new GraphQLError(e.message, { path: e.path, extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

/**
 * A mutation's expected failure, carried as data in its payload's `userErrors` (thrown errors above
 * are for the unexpected and the forbidden). `code` is the subgraph's SDL enum (its generated type),
 * `field` the path under the mutation's arguments.
 */
export interface UserError<C extends string> {
  code: C;
  message: string;
  field?: string[];
}

/**
 * The one way a subgraph answers a user error, typed by its SDL's error-code enum:
 * `export const { userError, fail, isUserError } = userErrors<CampusErrorCode>();`
 * `userError` makes one error, `fail` a payload that failed with it.
 */
export function userErrors<C extends string>() {
  const userError = (code: C, message: string, ...field: string[]): UserError<C> => ({ code, message, ...(field.length ? { field } : {}) });
  return {
    userError,
    fail: (code: C, message: string, ...field: string[]) => ({ userErrors: [userError(code, message, ...field)] }),
    isUserError: (x: object): x is UserError<C> => 'code' in x && 'message' in x,
  };
}

/**
 * A row a foreign key promises (a seat's library, a template's sender): loaders answer null for a
 * missing id, and a non-null field cannot, so a missing one is an internal error (logged, masked).
 */
export function present<T>(row: T | null | undefined, what: string): T {
  if (row == null) throw new Error(`${what} is missing`);
  return row;
}
