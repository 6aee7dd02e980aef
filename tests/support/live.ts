// A graphql-ws client for tests: records every message, error, completion and close code.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export interface Recorder<T = Record<string, unknown>> {
  messages: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> }[];
  errors: unknown[];
  completed: boolean;
  /** Resolves with the first message (index ≥ from) that matches, or rejects after `ms`. */
  next(match?: (m: Recorder<T>['messages'][number]) => boolean, ms?: number, from?: number): Promise<Recorder<T>['messages'][number]>;
  /** Resolves when the subscription was refused or failed. */
  failed(ms?: number): Promise<unknown[]>;
  stop(): void;
}

export interface LiveClient {
  client: Client;
  closes: { code: number; reason: string }[];
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Recorder<T>;
  closed(ms?: number): Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

const until = async <T>(get: () => T | undefined, ms: number, what: string): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export function liveClient(httpUrl: string, params: (() => Record<string, unknown>) | Record<string, unknown> | null, opts: { retry?: boolean } = {}): LiveClient {
  const closes: { code: number; reason: string }[] = [];
  const client = createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: typeof params === 'function' ? params : () => params ?? {},
    retryAttempts: opts.retry ? 5 : 0,
    retryWait: async () => new Promise((r) => setTimeout(r, 100)),
    shouldRetry: () => Boolean(opts.retry),
    on: { closed: (e) => void closes.push({ code: (e as { code: number }).code, reason: String((e as { reason: unknown }).reason) }) },
  });
  return {
    client,
    closes,
    subscribe<T>(query: string, variables?: Record<string, unknown>): Recorder<T> {
      const rec: Recorder<T> = {
        messages: [],
        errors: [],
        completed: false,
        next: (match = () => true, ms = 5_000, from = 0) => until(() => rec.messages.slice(from).find(match), ms, `a message of ${query.slice(0, 60)}`),
        failed: (ms = 5_000) => until(() => (rec.errors.length ? rec.errors : undefined), ms, 'an error'),
        stop: () => stop(),
      };
      const stop = client.subscribe<T>({ query, variables }, {
        next: (m) => void rec.messages.push(m as Recorder<T>['messages'][number]),
        error: (e) => void rec.errors.push(e),
        complete: () => void (rec.completed = true),
      });
      return rec;
    },
    closed: (ms = 5_000) => until(() => closes.at(-1), ms, 'the socket to close'),
    dispose: () => client.dispose() as Promise<void>,
  };
}
