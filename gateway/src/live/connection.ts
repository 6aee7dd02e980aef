// A live socket's state, and the sockets of this process: the HTTP upgrade to WebSocket at /graphql
// (404 elsewhere, 503 past the socket limit), each connection handed to graphql-ws, and one sweep
// for every socket (token expiry within 250 ms, keep-alive pings).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Claims, LiveCaller, Logger, RequestIdentity } from '@studyspot/runtime';
import { CloseCode, handleProtocols, type Server as ProtocolServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientIp } from '../context.ts';
import type { Group } from './groups.ts';
import type { SocketMember } from './member.ts';

/** Token expired, session revoked, tenant suspended: the client should refresh its token and retry. */
export const REFRESH_AND_RETRY = 4403;
/** No token, or one that is not ours: retrying with it is pointless. */
export const UNAUTHORIZED = 4401;

export interface Subscription {
  group: Group;
  member: SocketMember;
  end(): void;
}

// Kept small: at 10,000 idle sockets every field counts (no request object, no timers of its own).
export interface SocketState {
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

export type Extra = { state: SocketState };

export interface Sockets {
  readonly states: Set<SocketState>;
  /** Closes, with REFRESH_AND_RETRY, the sockets `match` picks. */
  closeWhere(match: (s: SocketState) => boolean, reason: string): void;
  close(): Promise<void>;
}

export function acceptSockets(
  http: Server,
  server: ProtocolServer<Extra>,
  opts: { messageBytes: number; sockets: number; keepAliveMs: number; trustProxy: boolean; logger: Logger },
): Sockets {
  const states = new Set<SocketState>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.messageBytes, perMessageDeflate: false, handleProtocols });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (wss.clients.size >= opts.sockets) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  http.on('upgrade', onUpgrade);

  let lastPing = Date.now();
  // Runs only while sockets are open: an idle gateway has no timer waking it 4 times a second.
  let sweep: NodeJS.Timeout | null = null;
  const sweepOnce = () => {
    if (!states.size) {
      clearInterval(sweep!);
      sweep = null;
      return;
    }
    const now = Date.now();
    const ping = now - lastPing >= opts.keepAliveMs;
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
  };

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const state: SocketState = { ws, clientIp: clientIp(request, opts.trustProxy), claims: null, caller: null, identity: null, subs: new Map(), expiresAt: Infinity, alive: true, pending: 0 };
    states.add(state);
    if (!sweep) {
      lastPing = Date.now();
      sweep = setInterval(sweepOnce, 250);
      sweep.unref();
    }
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
              opts.logger.error({ err }, 'live message handling failed');
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
    states,
    closeWhere: (match, reason) => {
      for (const s of states) if (match(s)) s.ws.close(REFRESH_AND_RETRY, reason);
    },
    close: async () => {
      if (sweep) clearInterval(sweep);
      http.off('upgrade', onUpgrade);
      for (const s of states) s.ws.close(1001, 'Going away');
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
