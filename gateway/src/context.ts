// The gateway's per-request context: authentication happens here, once, for the whole supergraph.
import type { IncomingMessage } from 'node:http';
import { AppError, HEADER, isPlatformRole, isUuid, requestIdFrom, verifyAccessToken, type KeyRing, type Logger, type RequestIdentity } from '@studyspot/runtime';

export interface GatewayContext {
  identity: RequestIdentity;
  logger: Logger;
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new AppError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"', { http: { status: 401 } });
  return m[1]!;
}

/** Verifies the bearer token (if any). A bad token is an error, not an anonymous request. */
export function buildGatewayContext(req: IncomingMessage, keyRing: KeyRing, logger: Logger, requestId = requestIdFrom(req.headers[HEADER.requestId])): GatewayContext {
  const token = bearer(req);
  let claims = null;
  if (token) {
    try {
      claims = verifyAccessToken(keyRing, token);
    } catch (err) {
      const message = err instanceof AppError ? err.message : 'Invalid access token';
      throw new AppError('UNAUTHENTICATED', message, { http: { status: 401 } });
    }
  }
  const tenantHeader = req.headers[HEADER.tenant];
  const acting = typeof tenantHeader === 'string' ? tenantHeader : null;
  if (acting && !isUuid(acting)) throw new AppError('BAD_USER_INPUT', 'X-Tenant-Id must be a tenant id', { http: { status: 400 } });
  const actingTenantId = claims && isPlatformRole(claims.role) ? acting : null;
  return {
    identity: { requestId, claims, actingTenantId },
    logger: logger.child({ requestId, tenantId: claims?.tenantId ?? actingTenantId ?? undefined, userId: claims?.sub }),
  };
}
