// Process entry helpers: one-line errors for bad configuration, orderly shutdown on signals.
import { ConfigError } from './config.ts';

/** What a process stops when it ends, each optional (a failed start has no server yet). */
export interface ProcessParts {
  background?: () => Promise<void>;
  server?: { drain?(): void; close(): Promise<void> };
  /** How long readiness fails before the server stops (the balancer's time to notice); 0 in development. */
  drainMs?: number;
  platform?: { close(): Promise<void> };
  observability?: () => Promise<void>;
}

/**
 * The one shutdown order of every process (the gateway's and each subgraph's): readiness fails first
 * and the process keeps serving for `drainMs` while the balancer notices, then background work stops
 * (nothing new starts), then the server (new connections refused, requests in flight finished, live
 * sockets told to reconnect elsewhere), then the platform (databases, Redis), then telemetry (it
 * flushes what the others recorded on the way down).
 */
export function stopInOrder(parts: ProcessParts): () => Promise<void> {
  return async () => {
    if (parts.server?.drain) {
      parts.server.drain();
      if (parts.drainMs) await new Promise((r) => setTimeout(r, parts.drainMs));
    }
    await parts.background?.();
    await parts.server?.close();
    await parts.platform?.close();
    await parts.observability?.();
  };
}

/** Runs `start`; a ConfigError prints one line and exits 1; the returned closer runs on SIGINT/SIGTERM. */
export async function runMain(name: string, start: () => Promise<() => Promise<void>>): Promise<void> {
  let stop: () => Promise<void>;
  try {
    stop = await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${name}: ${err.message}`);
    } else {
      console.error(`${name}: failed to start: ${(err as Error).message}`);
    }
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    void stop().then(
      () => {
        clearTimeout(timer);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`${name}: error during ${signal} shutdown: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
