// GraphQL subscriptions over WebSocket (graphql-transport-ws, the graphql-ws library's protocol) on
// the gateway's port at /graphql, put together from its parts: connection.ts (sockets, upgrade,
// keep-alive), auth.ts (the token in connection_init, revocation and suspension), limits.ts (per
// socket, account and tenant; the last two global through Redis, shared-places.ts), admit.ts (guard, validation, planning, the first snapshot) and
// groups.ts (one computation per group of identical subscriptions). Every subscription passes the
// operation guard, GraphQL validation and the subgraph's own authorization. Sockets close with 4403
// (the stock client refreshes its connectionParams and retries) when the token expires, the session
// is revoked (on any process) or the tenant is suspended.
import type { Server } from 'node:http';
import type { LiveField, Platform, SubgraphModule } from '@studyspot/runtime';
import type { ExecutionArgs } from 'graphql';
import { makeServer, type Context } from 'graphql-ws';
import type { OperationGuard } from '../guard/guard.ts';
import { admission } from './admit.ts';
import { authenticate, watchSessions } from './auth.ts';
import { acceptSockets, type Extra } from './connection.ts';
import { LiveEngine } from './groups.ts';
import { LiveLimits } from './limits.ts';
import { SharedPlaces } from './shared-places.ts';
import type { LivePlanner } from './plan.ts';

export { REFRESH_AND_RETRY, UNAUTHORIZED } from './connection.ts';

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
  // With Redis the account and tenant limits count every gateway's places (shared-places.ts).
  const shared = config.redisUrl ? new SharedPlaces(config.redisUrl, config.redisKeyPrefix, { staleMs: limits.placesStaleMs, heartbeatMs: Math.max(100, Math.round(limits.placesStaleMs / 3)) }) : null;
  const places = new LiveLimits(limits, shared);
  const admit = admission({ planner, engine, fields, guard: deps.guard, production: config.production, limits });

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema: planner.schema,
    connectionInitWaitTimeout: limits.initTimeoutMs,
    onConnect: (ctx: Context<Record<string, unknown> | undefined, Extra>) => authenticate(platform, ctx.extra.state, ctx.connectionParams),
    onSubscribe: async (ctx, id, payload) => {
      const { state } = ctx.extra;
      // Counted as pending before the first await, so messages written together see each other.
      const held = state.subs.size + state.pending;
      state.pending++;
      let admitted: Awaited<ReturnType<typeof admit>>;
      let place: Awaited<ReturnType<typeof places.take>> | undefined;
      try {
        place = await places.take({ held }, state.claims!, state.caller?.tenantId ?? null);
        if (!('release' in place)) return [place];
        admitted = await admit(state, id, payload, place.release);
      } catch (err) {
        if (place && 'release' in place) place.release();
        throw err;
      } finally {
        state.pending--;
      }
      if (Array.isArray(admitted)) place.release();
      return admitted;
    },
    // The group writes this subscription's messages itself (once serialized for the whole group);
    // graphql-ws only needs something that lives until the client completes or the socket closes.
    subscribe: (args: ExecutionArgs) => lifetime((args.contextValue as { end: () => void }).end) as never,
  });

  const sockets = acceptSockets(http, server, { messageBytes: limits.messageBytes, sockets: limits.sockets, keepAliveMs: limits.keepAliveMs, trustProxy: config.trustProxy, logger });
  const stopWatching = watchSessions(platform, sockets);

  return {
    engine,
    get sockets() {
      return sockets.states.size;
    },
    close: async () => {
      stopWatching();
      const closing = sockets.close();
      engine.close();
      await closing;
      await shared?.close();
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
