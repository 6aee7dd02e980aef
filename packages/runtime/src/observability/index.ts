// @studyspot/runtime/observability: the logger, metrics and tracing, and starting them for a process.
export * from './logger.ts';
export * from './metrics.ts';
export * from './tracing.ts';
export * from './observability.ts';
