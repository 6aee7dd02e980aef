// What every HTTP response of the gateway gets, whatever route answers: security headers (helmet),
// CORS from an allow-list, request bodies bounded by the caller's class, and errors as GraphQL-shaped
// JSON with a stable code (never Express's HTML error page, never a stack trace).
import type { Config } from '@studyspot/runtime';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';

export const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { code, ...extra } }] });

export function securityHeaders(config: Config): RequestHandler[] {
  return [
    helmet({
      // The Sandbox landing page brings its own script, style and frame policy (a CSP meta tag with a
      // nonce); the header adds what holds for every response: nothing here may be framed by
      // anyone, no plugins, no <base> tricks.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      // The API is meant to be read cross-origin by the frontends CORS allows.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: config.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
    cors({
      origin: (origin, done) => done(null, !origin || config.corsOrigins.includes(origin)),
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-tenant-id', 'x-request-id', 'apollo-require-preflight', 'x-apollo-operation-name'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    }),
  ];
}

/**
 * JSON bodies up to the caller's class limit: requests without credentials can only sign in, so
 * theirs is small. The limit is read from Content-Length before anything is buffered.
 */
export function boundedJson(config: Config): RequestHandler {
  const signedIn = express.json({ limit: config.limits.signedIn.bodyBytes });
  const anonymous = express.json({ limit: config.limits.anonymous.bodyBytes });
  return (req, res, next) => (req.headers.authorization ? signedIn : anonymous)(req, res, next);
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** Turns body-parser's failures into coded JSON (413, 415, 400). */
export const bodyErrors: ErrorRequestHandler = (err: BodyParserError, _req, res, next) => {
  if (res.headersSent) return next(err);
  switch (err.type) {
    case 'entity.too.large':
      return void res.status(413).json(errorBody(`The request body is larger than ${err.limit} bytes`, 'PAYLOAD_TOO_LARGE', { limit: err.limit }));
    case 'entity.parse.failed':
      return void res.status(400).json(errorBody('The request body is not valid JSON (an object, or an array for a batch)', 'BAD_REQUEST'));
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return void res.status(415).json(errorBody('The request body must be UTF-8 JSON', 'BAD_REQUEST'));
    default:
      return next(err);
  }
};

/** JSON for unknown routes and for anything that still reaches Express's final handler. */
export function finalHandlers(app: Express, log: (err: unknown) => void): void {
  app.use((_req, res) => void res.status(404).json(errorBody('No such route', 'NOT_FOUND')));
  const last: ErrorRequestHandler = (err: BodyParserError, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log(err);
    res.status(status).json(status === 500 ? errorBody('Internal server error', 'INTERNAL_SERVER_ERROR') : errorBody(err.message, 'BAD_REQUEST'));
  };
  app.use(last);
}
