// How the gateway hands a request's identity to a subgraph over HTTP: the shared secret proves the
// request came through the gateway, and only then are the forwarded claims believed.
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Claims } from './security/auth.ts';
import type { RequestIdentity } from './context.ts';
import { AppError } from './errors.ts';
import { isRole } from './roles.ts';

export const HEADER = {
  gatewaySecret: 'x-studyspot-gateway-secret',
  requestId: 'x-request-id',
  claims: 'x-studyspot-claims',
  tenant: 'x-tenant-id',
  clientIp: 'x-studyspot-client-ip',
  /** Subgraph → gateway: the access token a sign-in in this request issued (see SubgraphContext.signedIn). */
  signedIn: 'x-studyspot-signed-in',
} as const;

export function identityHeaders(identity: RequestIdentity, gatewaySecret: string): Record<string, string> {
  const h: Record<string, string> = { [HEADER.gatewaySecret]: gatewaySecret, [HEADER.requestId]: identity.requestId };
  if (identity.claims) h[HEADER.claims] = Buffer.from(JSON.stringify(identity.claims)).toString('base64url');
  if (identity.actingTenantId) h[HEADER.tenant] = identity.actingTenantId;
  if (identity.clientIp) h[HEADER.clientIp] = identity.clientIp;
  return h;
}

/**
 * Whether a presented secret is the expected one, in constant time that does not depend on either
 * length: both are hashed to 32 bytes first (timingSafeEqual throws on buffers of different lengths,
 * and a length check before it tells an attacker the secret's length).
 */
export function secretMatches(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client-supplied request id is kept when it is well formed; otherwise a new one is made. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && REQUEST_ID.test(v) ? v : randomUUID();
}

type HeaderBag = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Reads the identity a gateway forwarded. Call only after checking the gateway secret. */
export function identityFromHeaders(headers: HeaderBag): RequestIdentity {
  let claims: Claims | null = null;
  const raw = first(headers[HEADER.claims]);
  if (raw) {
    let parsed: Partial<Claims> | null = null;
    try {
      parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Claims>;
    } catch {
      // handled below
    }
    if (!parsed || typeof parsed !== 'object' || typeof parsed.sub !== 'string' || !isRole(parsed.role)) {
      throw new AppError('BAD_USER_INPUT', `Malformed ${HEADER.claims} header`, { http: { status: 400 } });
    }
    claims = {
      sub: parsed.sub,
      role: parsed.role,
      tenantId: typeof parsed.tenantId === 'string' ? parsed.tenantId : null,
      ...(Array.isArray(parsed.libraryIds) && parsed.libraryIds.every((x) => typeof x === 'string') ? { libraryIds: parsed.libraryIds } : {}),
      ...(typeof parsed.sid === 'string' ? { sid: parsed.sid } : {}),
    };
  }
  return {
    requestId: requestIdFrom(headers[HEADER.requestId]),
    claims,
    actingTenantId: first(headers[HEADER.tenant]) ?? null,
    clientIp: first(headers[HEADER.clientIp]) ?? null,
  };
}
