// Structured JSON logs (pino). Every request logs through a child carrying requestId and tenantId.
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { traceFields } from './tracing.ts';

export type { Logger };

// Secrets never reach a log line, at the top level of a log object or nested up to four levels
// (request headers, GraphQL variables, an error's `meta`). OTP codes are logged only by the dev
// sender, which production refuses unless STUDYSPOT_INSECURE_LOG_OTP_CODES=1 (config.ts).
const SECRET_KEYS = ['authorization', 'password', 'currentPassword', 'newPassword', 'passwordHash', 'token', 'accessToken', 'refreshToken', 'secret', 'gatewaySecret', 'jwtKeys', 'cookie'];
const GATEWAY_SECRET_HEADER = '["x-studyspot-gateway-secret"]';
const REDACTED = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`, `*.*.*.*.${k}`]),
  ...['headers', '*.headers', '*.*.headers'].map((h) => `${h}${GATEWAY_SECRET_HEADER}`),
];

/** A JSON logger; `destination` (stdout by default) lets a test read what would be written. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
    // Inside a traced request, each line carries its traceId and spanId (nothing when tracing is off).
    mixin: traceFields,
  };
  return destination ? pino(options, destination) : pino(options);
}
