// Operation limits the gateway enforces before planning, per class of caller. Anonymous callers can
// only sign in, so their limits are much stricter. Every figure can be set from the environment:
// LIMIT_<NAME> for signed-in callers and LIMIT_<NAME>_ANONYMOUS for anonymous ones.
import { ConfigError } from './config-error.ts';

export interface OperationLimits {
  /** Request body size in bytes (JSON), checked before it is parsed. */
  bodyBytes: number;
  /** Length of the GraphQL document in bytes. */
  documentBytes: number;
  /** Lexical tokens in the document (graphql-js `parse` stops counting at the limit). */
  tokens: number;
  /** Deepest selection, fragments expanded. */
  depth: number;
  /** Aliased fields, fragments expanded. */
  aliases: number;
  /** Field selections, fragments expanded (each use of a fragment counts its fields again). */
  fields: number;
  /** Root fields of the operation. */
  rootFields: number;
  /** Estimated cost: each object costs 1 (or its @cost), multiplied by list sizes along the path. */
  cost: number;
}

export type LimitName = keyof OperationLimits;

export const DEFAULT_LIMITS: { signedIn: OperationLimits; anonymous: OperationLimits } = {
  // Three nested default pages (libraries → students → payments, 20 each) cost about 17,000 and a
  // page of 100 students with library, seat, shift and 20 payments about 3,000; the README's
  // cross-subgraph query is depth 11. Two nested seat lists (300 × 300) already cost 90,000.
  signedIn: { bodyBytes: 4_194_304, documentBytes: 65_536, tokens: 8_000, depth: 15, aliases: 50, fields: 1_500, rootFields: 20, cost: 25_000 },
  // Sign-in, OTP and refresh: a handful of fields, one or two root fields.
  anonymous: { bodyBytes: 16_384, documentBytes: 8_192, tokens: 1_000, depth: 6, aliases: 5, fields: 60, rootFields: 3, cost: 250 },
};

const ENV_NAMES: Record<LimitName, string> = {
  bodyBytes: 'BODY_BYTES',
  documentBytes: 'DOCUMENT_BYTES',
  tokens: 'TOKENS',
  depth: 'DEPTH',
  aliases: 'ALIASES',
  fields: 'FIELDS',
  rootFields: 'ROOT_FIELDS',
  cost: 'COST',
};

/** A limit from the environment: unset means the default; anything but 1 to 10^9 stops the start. */
function wholeNumber(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000_000) throw new ConfigError(variable, `expected a whole number from 1 to 1000000000, got "${raw}"`);
  return n;
}

function readClass(env: NodeJS.ProcessEnv, suffix: string, defaults: OperationLimits): OperationLimits {
  const out = { ...defaults };
  for (const [key, name] of Object.entries(ENV_NAMES) as [LimitName, string][]) {
    const n = wholeNumber(env, `LIMIT_${name}${suffix}`);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

export function loadLimits(env: NodeJS.ProcessEnv): { signedIn: OperationLimits; anonymous: OperationLimits } {
  return { signedIn: readClass(env, '', DEFAULT_LIMITS.signedIn), anonymous: readClass(env, '_ANONYMOUS', DEFAULT_LIMITS.anonymous) };
}

/** The environment variable that sets a limit, for messages and docs. */
export const limitVariable = (name: LimitName, anonymous: boolean) => `LIMIT_${ENV_NAMES[name]}${anonymous ? '_ANONYMOUS' : ''}`;

/** Limits of live subscriptions over WebSocket (gateway/src/live/), each settable as LIVE_<NAME>. */
export interface LiveLimits {
  /** Open sockets per gateway process. */
  sockets: number;
  /** Subscriptions on one socket. */
  perSocket: number;
  /** Subscriptions of one account: across gateway processes with Redis, per process without it. */
  perUser: number;
  /** Subscriptions of one tenant's accounts: across gateway processes with Redis, per process without it. */
  perTenant: number;
  /** Milliseconds a socket may take to send connection_init (then 4408). */
  initTimeoutMs: number;
  /** Milliseconds between WebSocket pings; a socket that misses a pong for as long is dropped. */
  keepAliveMs: number;
  /** Largest message a client may send, in bytes (then close 1009). */
  messageBytes: number;
  /** Bytes a socket may leave unread before it is dropped as a slow consumer (close 4499). */
  slowConsumerBytes: number;
  /** Stream messages (notifications) kept for a socket that is behind; beyond it, a resync marker. */
  queue: number;
  /** At most one state message (occupancy, seat map, payment status) per group this often. */
  coalesceMs: number;
  /** With Redis: a gateway process that has not beaten for this long no longer holds its places toward the account and tenant limits (it died). */
  placesStaleMs: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  sockets: 20_000,
  perSocket: 20,
  perUser: 100,
  perTenant: 10_000,
  initTimeoutMs: 3_000,
  keepAliveMs: 12_000,
  messageBytes: 65_536,
  slowConsumerBytes: 1_048_576,
  queue: 100,
  coalesceMs: 250,
  placesStaleMs: 15_000,
};

const LIVE_ENV: Record<keyof LiveLimits, string> = {
  sockets: 'LIVE_SOCKETS',
  perSocket: 'LIVE_PER_SOCKET',
  perUser: 'LIVE_PER_USER',
  perTenant: 'LIVE_PER_TENANT',
  initTimeoutMs: 'LIVE_INIT_TIMEOUT_MS',
  keepAliveMs: 'LIVE_KEEPALIVE_MS',
  messageBytes: 'LIVE_MESSAGE_BYTES',
  slowConsumerBytes: 'LIVE_SLOW_CONSUMER_BYTES',
  queue: 'LIVE_QUEUE',
  coalesceMs: 'LIVE_COALESCE_MS',
  placesStaleMs: 'LIVE_PLACES_STALE_MS',
};

export function loadLiveLimits(env: NodeJS.ProcessEnv): LiveLimits {
  const out = { ...DEFAULT_LIVE_LIMITS };
  for (const [key, variable] of Object.entries(LIVE_ENV) as [keyof LiveLimits, string][]) {
    const n = wholeNumber(env, variable);
    if (n !== undefined) out[key] = n;
  }
  return out;
}
