// Trusted documents (issue 23): the operations the product's own clients send, published as
// manifests of SHA-256 hashes. A request may carry the hash instead of the text, in either form
// clients use:
//   { "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<hex>" } } }   (Apollo, codegen)
//   { "documentId": "sha256:<hex>" }                                                  (GraphQL over HTTP)
// The gateway puts the manifest's text in its place; the guard and the forwarding path then reuse
// what they measured and planned for that hash. TRUSTED_DOCUMENTS=anonymous|all refuses documents
// outside the manifests (for callers without a token, or for everyone) with PERSISTED_QUERY_NOT_IN_LIST.
// Manifests: GraphQL Code Generator's client preset `persisted-documents.json` ({ hash: text }) and
// Apollo's persisted query manifest ({ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '@studyspot/runtime';
import type { RequestHandler } from 'express';
import { errorBody } from '../http.ts';
import { GraphQLError, print, stripIgnoredCharacters, type DocumentNode } from 'graphql';

export type TrustMode = 'off' | 'anonymous' | 'all';

/** The product's own manifests, written by `pnpm codegen` (codegen.yml, persistedDocuments). */
export const PRODUCT_MANIFESTS = [new URL('../../dashboard/generated/persisted-documents.json', import.meta.url), new URL('../../../tests/generated/persisted-documents.json', import.meta.url)].map((u) => u.pathname);

const HEX = /^[0-9a-f]{64}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Documents compared as the same operation whatever their spacing and commas. */
const canonicalText = (text: string) => {
  try {
    return stripIgnoredCharacters(text);
  } catch {
    return text;
  }
};

const coded = (message: string, code: string, status = 400) => new GraphQLError(message, { extensions: { code, http: { status } } });

function readManifest(path: string): [string, string][] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('TRUSTED_DOCUMENTS_FILES', `cannot read the manifest ${path}: ${(err as Error).message}`);
  }
  const ops = (raw as { format?: unknown; operations?: unknown }).format === 'apollo-persisted-query-manifest' ? (raw as { operations: { id: string; body: string }[] }).operations.map((o) => [o.id, o.body] as [string, string]) : Object.entries(raw as Record<string, unknown>);
  return ops.map(([hash, text]) => {
    const id = String(hash).replace(/^sha256:/, '');
    if (!HEX.test(id) || typeof text !== 'string') throw new ConfigError('TRUSTED_DOCUMENTS_FILES', `${path}: "${String(hash).slice(0, 80)}" is not a SHA-256 hash with a document`);
    if (sha256(text) !== id) throw new ConfigError('TRUSTED_DOCUMENTS_FILES', `${path}: ${id} is not the SHA-256 of its document`);
    return [id, text];
  });
}

export interface TrustedLookup {
  hash: string;
  /** The manifest's text. */
  text: string;
}

export class TrustedDocuments {
  private readonly byHash = new Map<string, string>();
  private readonly canonical = new Set<string>();
  private readonly verdicts = new WeakMap<DocumentNode, boolean>();

  constructor(
    readonly mode: TrustMode,
    files: string[],
  ) {
    for (const file of files) for (const [hash, text] of readManifest(file)) this.add(hash, text);
  }

  /** The product's manifests that exist (they are generated), then the operator's (which must). */
  static load(mode: TrustMode, extra: string[]): TrustedDocuments {
    return new TrustedDocuments(mode, [...PRODUCT_MANIFESTS.filter((f) => existsSync(f)), ...extra]);
  }

  private add(hash: string, text: string) {
    this.byHash.set(hash, text);
    this.canonical.add(canonicalText(text));
  }

  get size(): number {
    return this.byHash.size;
  }

  /**
   * The hash a request body carries (either form), checked against its text when it sends both.
   * Returns null when the body names no hash. Throws the coded refusal.
   */
  lookup(body: Record<string, unknown>): TrustedLookup | null {
    const ext = body.extensions as { persistedQuery?: { sha256Hash?: unknown; version?: unknown } } | undefined;
    const named = ext && typeof ext === 'object' ? ext.persistedQuery?.sha256Hash : undefined;
    const documentId = body.documentId;
    if (named === undefined && documentId === undefined) return null;
    const raw = named ?? documentId;
    const hash = typeof raw === 'string' ? raw.replace(/^sha256:/, '').toLowerCase() : '';
    if (!HEX.test(hash)) throw coded('A trusted document is named by its SHA-256 hash: 64 hexadecimal digits, optionally after "sha256:"', 'BAD_REQUEST');
    if (typeof body.query === 'string') {
      if (sha256(body.query) !== hash) throw coded('The document does not match the SHA-256 hash sent with it', 'BAD_REQUEST');
      // Text and hash (an automatic-persisted-query client's retry): trusted only if it is published.
      return this.byHash.has(hash) ? { hash, text: this.byHash.get(hash)! } : null;
    }
    const text = this.byHash.get(hash);
    if (text === undefined) throw coded('No trusted document has this hash here: send the document text, or publish it in a trusted-documents manifest (README, "Trusted documents")', 'PERSISTED_QUERY_NOT_FOUND');
    return { hash, text };
  }

  /**
   * Puts the manifest's text in the body's `query` and takes the hash out (Apollo Server would refuse
   * a persisted-query extension: automatic persisted queries are off). Returns the hash, or null.
   */
  resolve(body: Record<string, unknown>): string | null {
    const found = this.lookup(body);
    delete body.documentId;
    const ext = body.extensions as Record<string, unknown> | undefined;
    if (ext && typeof ext === 'object' && 'persistedQuery' in ext) {
      const { persistedQuery: _, ...rest } = ext;
      body.extensions = rest;
    }
    if (!found) return null;
    body.query = found.text;
    return found.hash;
  }

  /** Whether a document is one of the manifests' (by text, whatever its spacing); remembered per parsed document. */
  has(text: string, document: DocumentNode): boolean {
    const known = this.verdicts.get(document);
    if (known !== undefined) return known;
    const verdict = this.canonical.has(canonicalText(text)) || this.canonical.has(canonicalText(print(document)));
    this.verdicts.set(document, verdict);
    return verdict;
  }

  /** Refuses a document outside the manifests when the mode says this caller needs one. */
  require(text: string, document: DocumentNode, anonymous: boolean): void {
    if (this.mode === 'off' || (this.mode === 'anonymous' && !anonymous)) return;
    if (this.has(text, document)) return;
    throw coded(
      this.mode === 'all' ? 'This gateway runs trusted documents only: send a document from a published manifest (README, "Trusted documents")' : 'Without a token, only trusted documents run here (sign-in and the other public operations of the published manifests)',
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
  }
}

/**
 * The same substitution for requests the Express stack serves (GET, compressed bodies): a POST body
 * is changed in place; a GET's query string is rewritten, since Apollo Server reads it from the URL.
 */
export function trustedDocumentsMiddleware(trusted: TrustedDocuments): RequestHandler {
  return (req, res, next) => {
    try {
      if (req.method === 'POST' && req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
        const hash = trusted.resolve(req.body as Record<string, unknown>);
        if (hash) (req as { trustedKey?: string }).trustedKey = hash;
        return next();
      }
      if (req.method !== 'GET') return next();
      const q = req.url.indexOf('?');
      if (q < 0) return next();
      const params = new URLSearchParams(req.url.slice(q + 1));
      let extensions: unknown;
      try {
        extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
      } catch {
        return next(); // Apollo Server answers malformed extensions itself
      }
      const body: Record<string, unknown> = { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions };
      if (body.documentId === undefined) delete body.documentId;
      const hash = trusted.resolve(body);
      if (!hash && !params.has('documentId') && extensions === body.extensions) return next();
      params.delete('documentId');
      if (typeof body.query === 'string') params.set('query', body.query);
      if (body.extensions && Object.keys(body.extensions as object).length) params.set('extensions', JSON.stringify(body.extensions));
      else params.delete('extensions');
      req.url = `${req.url.slice(0, q)}?${params.toString()}`;
      if (hash) (req as { trustedKey?: string }).trustedKey = hash;
      next();
    } catch (err) {
      const e = err as { message: string; extensions?: { code?: string } };
      if (!e.extensions?.code) return next(err);
      res.status(400).json(errorBody(e.message, e.extensions.code));
    }
  };
}
