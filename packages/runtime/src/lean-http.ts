// Serving POST /graphql on Node's own request and response, without Express (issue 23): the gateway's
// lean path and each subgraph's. Express's router, request/response decoration and body-parser cost
// ~15% of the gateway's CPU on a one-fetch query; what they did here is a bounded JSON body and
// Apollo Server's HTTP handler, which these helpers do directly.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

const JSON_TYPE = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

/** A POST to `path` with a plain UTF-8 JSON body: what the lean handlers take (the rest goes to Express). */
export function isPlainJsonPost(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== path && !url.startsWith(`${path}?`)) return false;
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) return false;
  const encoding = req.headers['content-encoding'];
  return !encoding || encoding === 'identity';
}

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** The body as text, at most `limit` bytes (checked on Content-Length first, as body-parser does). */
export function readBody(req: IncomingMessage, limit: number): Promise<string | 'too large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve('too large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too large');
      } else chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

/** A JSON body parsed as body-parser's strict mode does: an object or an array; `{}` when empty; null when not JSON. */
export function parseJsonBody(text: string): object | null {
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** Apollo Server's HTTP handler on a parsed body, as its Express integration runs it. */
export async function answerWithApollo<C extends BaseContext>(apollo: ApolloServer<C>, req: IncomingMessage, res: ServerResponse, body: unknown, context: () => Promise<C>): Promise<void> {
  const head = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) head.set(k, Array.isArray(v) ? v.join(', ') : v);
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const out = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers: head, search: q >= 0 ? url.slice(q) : '', body }, context });
  for (const [k, v] of out.headers) res.setHeader(k, v);
  res.statusCode = out.status ?? 200;
  if (out.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(out.body.string));
    return void res.end(out.body.string);
  }
  for await (const chunk of out.body.asyncIterator) res.write(chunk);
  res.end();
}
