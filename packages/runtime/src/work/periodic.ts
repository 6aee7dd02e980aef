// Background work that runs every few minutes, one run at a time, without keeping the process alive;
// the returned function stops it and waits for a run in progress.
import type { Logger } from '../observability/logger.ts';

export function startPeriodic<R>(logger: Logger, name: string, run: () => Promise<R>, intervalMs: number, report?: (r: R) => boolean): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .then((r) => report?.(r) && logger.info(r as object, name))
      .catch((err: unknown) => logger.error({ err }, `${name} failed`))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
