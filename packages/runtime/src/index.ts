// @studyspot/runtime: what serving a request needs — configuration, the platform, the request
// context and scope, errors and user errors, authorization, the subgraph server, scalars and input
// rules, pagination, events and live fields, days and the clock, ports. The other concerns are
// their own subpaths (package.json exports):
//   @studyspot/runtime/security       JWT, passwords (argon2), OTP, session revocation, rate limits, the secret box
//   @studyspot/runtime/observability  logger, metrics (prom-client), tracing (OpenTelemetry)
//   @studyspot/runtime/work           the work schedule, tenant work and test-clock registrations, periodic tasks
//   @studyspot/runtime/msg91          the MSG91 client
export type { Claims } from './security/auth.ts';
export type { Logger } from './observability/logger.ts';
export * from './config.ts';
export * from './context.ts';
export * from './scope.ts';
export * from './errors.ts';
export * from './constraints.ts';
export * from './events.ts';
export * from './pagination.ts';
export * from './platform.ts';
export * from './roles.ts';
export * from './subgraph.ts';
export * from './transport.ts';
export * from './main.ts';
export * from './scalars.ts';
export * from './authorization.ts';
export * from './contact.ts';
export * from './sdl.ts';
export * from './limits.ts';
export * from './config-error.ts';
export * from './input-rules.ts';
export * from './days.ts';
export * from './live.ts';
export * from './clock.ts';
export * from './ports.ts';
export * from './insight-facts.ts';
export * from './redis.ts';
export * from './signed-links.ts';
export * from './india.ts';
export * from './lean-http.ts';
