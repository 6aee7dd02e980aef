// The worker process (services layout, issue 19): every background job — the campus, billing and
// messages sweeps and the campaign queue worker — apart from the request-serving processes, which
// then start with BACKGROUND_WORK=0. It serves only /healthz, /readyz and /metrics on PORT (default
// 4010) for probes, and stops readiness first like every process (runtime main.ts stopInOrder). Its
// sweeps claim tenants through the work schedule, so several workers can run side by side.
import { createServer } from 'node:http';
import express from 'express';
import { createPlatform, listen, loadConfig, readyHandler, requireDatabaseServer, runMain, stopInOrder } from '@studyspot/runtime';
import { createLogger, metricsHandler, startObservability } from '@studyspot/runtime/observability';
import { startBackgroundWork } from './run.ts';

await runMain('worker', async () => {
  const config = loadConfig();
  requireDatabaseServer(config, 'the worker runs beside other processes');
  const stopObservability = await startObservability(config, 'studyspot-worker');
  const platform = await createPlatform(config, createLogger('worker'));
  try {
    const app = express();
    app.disable('x-powered-by');
    let draining = false;
    app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
    app.get('/readyz', readyHandler(() => draining, () => platform.checkReady()));
    app.get('/metrics', metricsHandler(config));
    const http = createServer(app);
    const port = await listen(http, Number(process.env.PORT ?? 4010), 'PORT', config.host);
    const background = startBackgroundWork(platform);
    console.log(`StudySpot worker running the sweeps and the campaign worker; probes on port ${port}`);
    const server = { drain: () => void (draining = true), close: () => new Promise<void>((r) => http.close(() => r())) };
    return stopInOrder({ background, server, platform, observability: stopObservability, drainMs: config.shutdownDrainMs });
  } catch (err) {
    await stopInOrder({ platform, observability: stopObservability })();
    throw err;
  }
});
