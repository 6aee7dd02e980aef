// Who may hold a live socket, and for how long. connection_init carries the access token (verified like
// an HTTP request's) and, for a platform role, the tenant it acts on (the runtime's actingTenant rule,
// as X-Tenant-Id over HTTP). A socket closes with REFRESH_AND_RETRY when its token expires (the
// connection sweep), its session is revoked or its tenant suspended — heard on the bus from any
// process, or, while Redis is away, found by looking at the database every second.
import { TenantAccessError } from '@studyspot/db';
import { actingTenant, AppError, isPlatformRole, isUuid, requestIdFrom, topics, type Claims, type Platform } from '@studyspot/runtime';
import { REVOCATION_TOPIC, tokenExpiresAt } from '@studyspot/runtime/security';
import { verifyCaller } from '../context.ts';
import { REFRESH_AND_RETRY, UNAUTHORIZED, type SocketState, type Sockets } from './connection.ts';

function tokenFrom(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== 'string') return null;
  const m = /^(?:Bearer\s+)?(\S+)$/i.exec(raw.trim());
  return m ? m[1]! : null;
}

/** graphql-ws's onConnect: fills the socket's caller, or closes it and answers false. */
export async function authenticate(platform: Platform, state: SocketState, params: Readonly<Record<string, unknown>> | undefined): Promise<boolean> {
  const token = tokenFrom(params);
  if (!token) {
    state.ws.close(UNAUTHORIZED, 'Send connection_init with { authorization: "Bearer <access token>" }');
    return false;
  }
  const requestId = requestIdFrom(undefined);
  let claims: Claims;
  try {
    claims = await verifyCaller(token, platform, requestId);
  } catch (err) {
    const message = err instanceof AppError ? err.message : 'Invalid access token';
    // An expired or revoked token can be refreshed; anything else cannot.
    state.ws.close(/expired|revoked/i.test(message) ? REFRESH_AND_RETRY : UNAUTHORIZED, message.slice(0, 100));
    return false;
  }
  const chosen = params?.tenantId;
  const tenantId = actingTenant(claims, typeof chosen === 'string' && isUuid(chosen) ? chosen : null);
  if (tenantId && !isPlatformRole(claims.role)) {
    try {
      await platform.tenants.assertActive(tenantId);
    } catch {
      state.ws.close(REFRESH_AND_RETRY, 'Tenant suspended');
      return false;
    }
  }
  state.claims = claims;
  state.caller = tenantId ? { claims, tenantId } : null;
  state.identity = { requestId, claims, actingTenantId: isPlatformRole(claims.role) ? tenantId : null, clientIp: state.clientIp };
  state.expiresAt = tokenExpiresAt(token) ?? Infinity;
  if (state.expiresAt <= Date.now()) {
    state.ws.close(REFRESH_AND_RETRY, 'Token expired');
    return false;
  }
  return true;
}

/** Closes sockets whose session is revoked or whose tenant is suspended; returns the stop function. */
export function watchSessions(platform: Platform, sockets: Sockets): () => void {
  const { logger } = platform;
  // Revocations and suspensions from any process reach this one over the bus.
  const watch = new AbortController();
  void (async () => {
    for await (const e of platform.events.subscribe(REVOCATION_TOPIC, watch.signal)) {
      const ids = new Set((e as { sessionIds?: string[] }).sessionIds ?? []);
      sockets.closeWhere((s) => Boolean(s.claims?.sid && ids.has(s.claims.sid)), 'Session revoked');
    }
  })().catch((err) => logger.error({ err }, 'live revocation watch failed'));
  void (async () => {
    for await (const e of platform.events.subscribe(topics.tenants, watch.signal)) {
      const { type, tenantId, status } = e as { type?: string; tenantId?: string; status?: string };
      // A move (TENANT_MOVED) changes where the tenant's data is, not who may see it: sockets stay.
      if (type === 'TENANT_STATUS_CHANGED' && tenantId && status !== 'ACTIVE') sockets.closeWhere((s) => s.caller?.tenantId === tenantId && !isPlatformRole(s.claims!.role), `Tenant ${status?.toLowerCase() ?? 'unavailable'}`);
    }
  })().catch((err) => logger.error({ err }, 'live tenant watch failed'));
  // While Redis is away, revocations and suspensions published by other processes do not arrive:
  // look at the database every second instead, and once more when Redis is back.
  let rechecking = false;
  const recheck = async () => {
    if (rechecking || !sockets.states.size) return;
    rechecking = true;
    try {
      for (const s of [...sockets.states]) {
        const sid = s.claims?.sid;
        // A database that cannot answer now is asked again on the next pass (every second).
        if (sid && (await platform.revocations.isRevoked(sid).catch(() => false))) s.ws.close(REFRESH_AND_RETRY, 'Session revoked');
        else if (s.caller && !isPlatformRole(s.claims!.role)) {
          await platform.tenants.assertActive(s.caller.tenantId).catch((err: unknown) => {
            // Only a tenant that is gone or suspended closes sockets, not a database that is slow.
            if (err instanceof TenantAccessError && (err.code === 'TENANT_SUSPENDED' || err.code === 'TENANT_NOT_FOUND')) s.ws.close(REFRESH_AND_RETRY, 'Tenant suspended');
          });
        }
      }
    } finally {
      rechecking = false;
    }
  };
  // While events cannot arrive (the bus is unhealthy) every socket is checked every second; a
  // healthy bus needs no timer (an idle gateway is not woken for nothing).
  let rechecker: NodeJS.Timeout | null = null;
  const pollWhileUnhealthy = () => {
    if (rechecker || platform.events.healthy) return;
    rechecker = setInterval(() => {
      if (platform.events.healthy) {
        clearInterval(rechecker!);
        rechecker = null;
      } else void recheck();
    }, 1_000);
    rechecker.unref();
  };
  platform.events.onHealthChange((healthy) => {
    if (healthy) void recheck();
    else pollWhileUnhealthy();
  });
  pollWhileUnhealthy();
  return () => {
    watch.abort();
    if (rechecker) clearInterval(rechecker);
  };
}
