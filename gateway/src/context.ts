// The gateway's per-request context: authentication happens here, once, for the whole supergraph.
import type { IncomingMessage } from 'node:http';
import { AppError, HEADER, isPlatformRole, isUuid, requestIdFrom, type Claims, type LiveTrigger, type Logger, type Platform, type RequestIdentity } from '@studyspot/runtime';
import { verifyAccessTokenCached } from '@studyspot/runtime/security';
import type { Prefetched } from './fast/answer.ts';

export interface GatewayContext {
  /** Who is asking; replaced when a sign-in inside the operation issues a token (signed-in.ts). */
  identity: RequestIdentity;
  logger: Logger;
  /** Set for a live subscription's execution: what its root fetch resolves (live/plan.ts). */
  live?: LiveTrigger;
  /** The one fetch the forwarding path already made, handed to the general path (fast/answer.ts). */
  prefetched?: Prefetched;
  /** Set on the copy that verifies a forwarded answer (GATEWAY_FORWARD_VERIFY): metrics skip it. */
  verifying?: boolean;
}

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message, { http: { status: 401 } });

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw unauthenticated('Authorization header must be "Bearer <token>"');
  return m[1]!;
}

export function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
  return req.socket.remoteAddress ?? null;
}

/**
 * Verifies an access token and that its session is not revoked (HTTP requests and WebSocket
 * connections alike). Throws UNAUTHENTICATED (401) for a bad or revoked token.
 */
export async function verifyCaller(token: string, platform: Platform, requestId: string): Promise<Claims> {
  let claims: Claims;
  try {
    claims = verifyAccessTokenCached(platform.config.keyRing, token);
  } catch (err) {
    throw unauthenticated(err instanceof AppError ? err.message : 'Invalid access token');
  }
  let revoked: boolean;
  try {
    revoked = claims.sid ? await platform.revocations.isRevoked(claims.sid) : false;
  } catch (err) {
    platform.logger.error({ err, requestId }, 'cannot check the session against the core database');
    throw new AppError('SERVICE_UNAVAILABLE', 'Cannot check your session right now; try again shortly', { http: { status: 503 } });
  }
  if (revoked) throw unauthenticated('Session revoked');
  return claims;
}

/**
 * Verifies the bearer token (if any) and that its session is not revoked. A bad token is an error,
 * not an anonymous request.
 */
export async function buildGatewayContext(req: IncomingMessage, platform: Platform, requestId = requestIdFrom(req.headers[HEADER.requestId])): Promise<GatewayContext> {
  const { config, logger } = platform;
  const token = bearer(req);
  const claims = token ? await verifyCaller(token, platform, requestId) : null;
  const tenantHeader = req.headers[HEADER.tenant];
  const acting = typeof tenantHeader === 'string' ? tenantHeader : null;
  if (acting && !isUuid(acting)) throw new AppError('BAD_USER_INPUT', 'X-Tenant-Id must be a tenant id', { http: { status: 400 } });
  const actingTenantId = claims && isPlatformRole(claims.role) ? acting : null;
  const identity = { requestId, claims, actingTenantId, clientIp: clientIp(req, config.trustProxy) };
  return new HttpRequestContext(identity, logger);
}

/**
 * A request's context whose logger is made on first use: most requests log nothing, and a pino child
 * with our redaction paths cost ~4% of the gateway's CPU when made for every request. A class (the
 * getter on its prototype) because Apollo Server copies a context's own properties per operation.
 */
class HttpRequestContext implements GatewayContext {
  private child: Logger | undefined;
  prefetched?: Prefetched;

  constructor(
    public identity: RequestIdentity,
    private readonly parent: Logger,
  ) {}

  get logger(): Logger {
    const { requestId, claims, actingTenantId } = this.identity;
    return (this.child ??= this.parent.child({ requestId, tenantId: claims?.tenantId ?? actingTenantId ?? undefined, userId: claims?.sub }));
  }
}
