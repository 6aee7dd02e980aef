// @studyspot/runtime/work: background work — the per-tenant work schedule and its registrations
// (sweeps, test-clock advances), daily work and periodic tasks.
export * from './work.ts';
export * from './tenant-clocks.ts';
export * from './periodic.ts';
