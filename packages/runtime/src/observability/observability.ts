// What every process (the gateway, each subgraph server) starts before its platform: tracing when an
// OTLP endpoint is configured (first, so the databases opened next are traced), and the private
// metrics listener when METRICS_PORT is set. Returns the function that stops both.
import type { Config } from '../config.ts';
import { startMetricsListener } from './metrics.ts';
import { startTracing } from './tracing.ts';

export async function startObservability(config: Pick<Config, 'metrics' | 'production' | 'tracesEndpoint'>, service: string): Promise<() => Promise<void>> {
  const stopTracing = startTracing({ service, endpoint: config.tracesEndpoint });
  try {
    const metrics = await startMetricsListener(config);
    return async () => {
      await metrics?.close();
      await stopTracing?.();
    };
  } catch (err) {
    await stopTracing?.();
    throw err;
  }
}
