// @studyspot/runtime/security: tokens, passwords, one-time codes, revocation, rate limits, sealed secrets.
export * from './auth.ts';
export * from './password.ts';
export * from './otp.ts';
export * from './revocation.ts';
export * from './rate-limit.ts';
export * from './secret-box.ts';
