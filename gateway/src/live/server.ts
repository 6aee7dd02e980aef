// GraphQL subscriptions over WebSocket (graphql-transport-ws, the graphql-ws library's protocol) on
// the gateway's port at /graphql. The token comes in connection_init and is verified like an HTTP
// request's; every subscription passes the operation guard, GraphQL validation and the subgraph's own
// authorization (its first message is computed for the caller's scope, and a refusal is an `error`
// message). Sockets close with 4403 (the stock client refreshes its connectionParams and retries)
// when the token expires, the session is revoked (on any process) or the tenant is suspended.
import type { IncomingMessage, Server } from 'node:http';
import { TenantAccessError } from '@studyspot/db';
import type { Duplex } from 'node:stream';
import { AppError, isPlatformRole, isUuid, requestIdFrom, topics, type Claims, type LiveCaller, type LiveField, type Platform, type RequestIdentity, type SubgraphModule } from '@studyspot/runtime';
import { REVOCATION_TOPIC, tokenExpiresAt } from '@studyspot/runtime/security';
import { getArgumentValues, getVariableValues, GraphQLError, validate, type ExecutionArgs, type FieldNode } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context, type SubscribePayload } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientIp, verifyCaller } from '../context.ts';
import type { OperationGuard } from '../guard/guard.ts';
import { groupKey, LiveEngine, type Group } from './groups.ts';
import { SocketMember } from './member.ts';
import type { LivePlanner } from './plan.ts';

/** Token expired, session revoked, tenant suspended: the client should refresh its token and retry. */
export const REFRESH_AND_RETRY = 4403;
/** No token, or one that is not ours: retrying with it is pointless. */
export const UNAUTHORIZED = 4401;

interface Subscription {
  group: Group;
  member: SocketMember;
  end(): void;
}

// Kept small: at 10,000 idle sockets every field counts (no request object, no timers of its own).
interface SocketState {
  ws: WebSocket;
  clientIp: string | null;
  claims: Claims | null;
  caller: LiveCaller | null;
  identity: RequestIdentity | null;
  subs: Map<string, Subscription>;
  /** When the token expires (epoch ms); the shared sweep closes the socket then. */
  expiresAt: number;
  /** Answered the last ping. */
  alive: boolean;
  /** Subscribe messages admitted by the limits and still being prepared (they hold their places). */
  pending: number;
}

type Extra = { state: SocketState };

const coded = (message: string, code: string, extra: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extra } });

function tokenFrom(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== 'string') return null;
  const m = /^(?:Bearer\s+)?(\S+)$/i.exec(raw.trim());
  return m ? m[1]! : null;
}

export interface LiveServer {
  engine: LiveEngine;
  readonly sockets: number;
  close(): Promise<void>;
}

export function startLive(http: Server, deps: { platform: Platform; planner: LivePlanner; guard: () => OperationGuard; modules: SubgraphModule[] }): LiveServer {
  const { platform, planner } = deps;
  const { config, logger } = platform;
  const limits = config.live;
  const engine = new LiveEngine(planner, platform.events, limits, logger.child({ component: 'live' }));
  const fields = new Map<string, LiveField<never>>();
  for (const m of deps.modules) for (const [name, f] of Object.entries(m.live ?? {})) fields.set(name, f);

  const states = new Set<SocketState>();
  const perUser = new Map<string, number>();
  const perTenant = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d;
    if (n > 0) m.set(k, n);
    else m.delete(k);
  };

  const closeWhere = (match: (s: SocketState) => boolean, reason: string) => {
    for (const s of states) if (match(s)) s.ws.close(REFRESH_AND_RETRY, reason);
  };

  // Revocations and suspensions from any process reach this one over the bus.
  const watch = new AbortController();
  void (async () => {
    for await (const e of platform.events.subscribe(REVOCATION_TOPIC, watch.signal)) {
      const ids = new Set((e as { sessionIds?: string[] }).sessionIds ?? []);
      closeWhere((s) => Boolean(s.claims?.sid && ids.has(s.claims.sid)), 'Session revoked');
    }
  })().catch((err) => logger.error({ err }, 'live revocation watch failed'));
  void (async () => {
    for await (const e of platform.events.subscribe(topics.tenants, watch.signal)) {
      const { tenantId, status } = e as { tenantId?: string; status?: string };
      if (tenantId && status !== 'ACTIVE') closeWhere((s) => s.caller?.tenantId === tenantId && !isPlatformRole(s.claims!.role), `Tenant ${status?.toLowerCase() ?? 'unavailable'}`);
    }
  })().catch((err) => logger.error({ err }, 'live tenant watch failed'));
  // While Redis is away, revocations and suspensions published by other processes do not arrive:
  // look at the database every second instead, and once more when Redis is back.
  let rechecking = false;
  const recheck = async () => {
    if (rechecking || !states.size) return;
    rechecking = true;
    try {
      for (const s of [...states]) {
        const sid = s.claims?.sid;
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
  platform.events.onHealthChange((healthy) => {
    if (healthy) void recheck();
  });
  const rechecker = setInterval(() => {
    if (!platform.events.healthy) void recheck();
  }, 1_000);
  rechecker.unref();

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema: planner.schema,
    connectionInitWaitTimeout: limits.initTimeoutMs,
    onConnect: async (ctx: Context<Record<string, unknown> | undefined, Extra>) => {
      const { state } = ctx.extra;
      const token = tokenFrom(ctx.connectionParams);
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
      const acting = ctx.connectionParams?.tenantId;
      const tenantId = isPlatformRole(claims.role) ? (typeof acting === 'string' && isUuid(acting) ? acting : null) : claims.tenantId;
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
    },
    onSubscribe: async (ctx, id, payload) => {
      const { state } = ctx.extra;
      const claims = state.claims!;
      const tenant = state.caller?.tenantId ?? null;
      // The limits are checked and the place taken in one synchronous step, before anything is
      // awaited: subscribe messages written together cannot all pass the check and count later.
      if (state.subs.size + state.pending >= limits.perSocket) return [coded(`At most ${limits.perSocket} subscriptions per connection`, 'RATE_LIMITED', { limit: 'perSocket', setting: 'LIVE_PER_SOCKET' })];
      if ((perUser.get(claims.sub) ?? 0) >= limits.perUser) return [coded(`At most ${limits.perUser} live subscriptions per account`, 'RATE_LIMITED', { limit: 'perUser', setting: 'LIVE_PER_USER' })];
      if (tenant && (perTenant.get(tenant) ?? 0) >= limits.perTenant) return [coded('Too many live subscriptions for this tenant right now', 'RATE_LIMITED', { limit: 'perTenant', setting: 'LIVE_PER_TENANT' })];
      state.pending++;
      bump(perUser, claims.sub, 1);
      if (tenant) bump(perTenant, tenant, 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        bump(perUser, claims.sub, -1);
        if (tenant) bump(perTenant, tenant, -1);
      };
      let admitted: Awaited<ReturnType<typeof admit>>;
      try {
        admitted = await admit(state, id, payload, release);
      } catch (err) {
        release();
        throw err;
      } finally {
        state.pending--;
      }
      if (Array.isArray(admitted)) release();
      return admitted;
    },
    // The group writes this subscription's messages itself (once serialized for the whole group);
    // graphql-ws only needs something that lives until the client completes or the socket closes.
    subscribe: (args: ExecutionArgs) => lifetime((args.contextValue as { end: () => void }).end) as never,
  });

  /** Everything after the limits: validation, planning, the first snapshot; a subscription or why not. */
  async function admit(state: SocketState, id: string, payload: SubscribePayload, release: () => void): Promise<ExecutionArgs | GraphQLError[]> {
    const variables = payload.variables ?? {};
    let admitted;
    try {
      admitted = deps.guard().check({ source: payload.query, operationName: payload.operationName ?? null, variables, anonymous: false, production: config.production });
    } catch (err) {
      return [err instanceof GraphQLError ? err : coded('Invalid operation', 'GRAPHQL_VALIDATION_FAILED')];
    }
    const invalid = validate(planner.schema, admitted.document);
    if (invalid.length) return invalid.map((e) => coded(e.message, 'GRAPHQL_VALIDATION_FAILED'));
    let prepared;
    try {
      prepared = planner.prepare(payload.query, admitted.document, payload.operationName ?? null);
    } catch (err) {
      return [err instanceof GraphQLError ? err : coded('This subscription cannot be planned', 'BAD_REQUEST')];
    }
    const field = fields.get(prepared.field);
    if (!field) return [coded(`Subscription.${prepared.field} has no live source`, 'BAD_REQUEST')];
    const coerced = getVariableValues(planner.schema, prepared.operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return coerced.errors.map((e) => coded(e.message, 'BAD_USER_INPUT'));
    const rootField = planner.schema.getSubscriptionType()!.getFields()[prepared.field]!;
    const args = getArgumentValues(rootField, prepared.operation.selectionSet.selections[0] as FieldNode, coerced.coerced);
    if (!state.caller) return [coded('Choose a tenant: connection_init { tenantId }', 'FORBIDDEN')];
    const topic = (field.topic as (a: unknown, c: LiveCaller) => string | null)(args, state.caller);
    if (!topic) return [coded('Nothing to follow here', 'NOT_FOUND')];
    // The plan runs with the variables as sent (JSON), as an HTTP request's would; the coerced
    // values only name the topic.
    const group = engine.group({ key: groupKey(prepared.field, payload.query, payload.operationName ?? null, variables, state.caller), topic, field, prepared, variables, args, caller: state.caller, identity: state.identity! });
    const member = new SocketMember(state.ws, id, limits);
    const refused = await group.snapshotFor(member);
    if (refused) return refused.length ? [...refused] : [coded('Not found', 'NOT_FOUND')];
    if (state.ws.readyState !== state.ws.OPEN) {
      group.leave(member);
      return [coded('The connection closed', 'BAD_REQUEST')];
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      member.stop();
      group.leave(member);
      state.subs.delete(id);
      release();
    };
    state.subs.set(id, { group, member, end });
    return { schema: planner.schema, document: admitted.document, variableValues: variables, contextValue: { end } } as ExecutionArgs;
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.messageBytes, perMessageDeflate: false, handleProtocols });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (wss.clients.size >= limits.sockets) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  http.on('upgrade', onUpgrade);

  // One sweep for every socket: token expiry (within 250 ms of it) and keep-alive pings.
  let lastPing = Date.now();
  const sweep = setInterval(() => {
    const now = Date.now();
    const ping = now - lastPing >= limits.keepAliveMs;
    if (ping) lastPing = now;
    for (const s of states) {
      if (s.expiresAt <= now) s.ws.close(REFRESH_AND_RETRY, 'Token expired');
      else if (ping) {
        // A socket that did not answer the previous ping within the interval is gone.
        if (!s.alive) s.ws.terminate();
        else {
          s.alive = false;
          s.ws.ping();
        }
      }
    }
  }, 250);
  sweep.unref();

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const state: SocketState = { ws, clientIp: clientIp(request, config.trustProxy), claims: null, caller: null, identity: null, subs: new Map(), expiresAt: Infinity, alive: true, pending: 0 };
    states.add(state);
    ws.once('error', () => ws.terminate());
    ws.on('pong', () => (state.alive = true));
    const closed = server.opened(
      {
        protocol: ws.protocol,
        send: (data) => {
          if (ws.readyState === ws.OPEN) ws.send(data);
        },
        close: (code, reason) => ws.close(code, reason),
        onMessage: (cb) =>
          ws.on('message', (data) => {
            cb(String(data)).catch((err: unknown) => {
              logger.error({ err }, 'live message handling failed');
              ws.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { state },
    );
    ws.once('close', (code, reason) => {
      for (const s of [...state.subs.values()]) s.end();
      states.delete(state);
      void closed(code, String(reason));
    });
  });

  return {
    engine,
    get sockets() {
      return states.size;
    },
    close: async () => {
      watch.abort();
      clearInterval(rechecker);
      clearInterval(sweep);
      http.off('upgrade', onUpgrade);
      for (const s of states) s.ws.close(1001, 'Going away');
      engine.close();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** An async generator-shaped object that ends when graphql-ws returns it (client complete, socket closed). */
function lifetime(onEnd: () => void): AsyncGenerator<never> {
  let finish: (v: IteratorResult<never>) => void = () => {};
  const done = new Promise<IteratorResult<never>>((r) => (finish = r));
  const end = async () => {
    onEnd();
    finish({ done: true, value: undefined });
    return { done: true as const, value: undefined };
  };
  return {
    next: () => done,
    return: end,
    throw: end,
    [Symbol.asyncIterator]() {
      return this;
    },
    [Symbol.asyncDispose]: async () => void (await end()),
  } as AsyncGenerator<never>;
}
