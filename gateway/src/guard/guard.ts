// The operation guard: every document is measured against the caller's limits before Apollo Server
// validates it and before the gateway plans it. A refusal is one coded error with the measured figure
// and the limit, in milliseconds, and no subgraph is touched. Subscriptions go through the same guard.
import { DateScalar, DateTimeScalar, limitVariable, type LimitName, type OperationLimits } from '@studyspot/runtime';
import { GraphQLError, isScalarType, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import type { CostModel } from './cost-model.ts';
import { checkLiterals } from './literals.ts';
import { measure, rootFieldNames, selectOperation, type Shape } from './shape.ts';

export interface GuardRequest {
  source: string;
  /** Names the source in the guard's memory instead of its text (a trusted document's hash). */
  key?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  anonymous: boolean;
  /** Production refuses introspection to anonymous callers. */
  production: boolean;
}

export interface Admitted {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  shape: Shape;
  cost: number;
  /**
   * The document broke graphql-js validation: no cost was measured (the shape limits above still
   * held), and Apollo Server reports every validation error with its reason and location.
   */
  invalid?: true;
}

export const OPERATION_TOO_COMPLEX = 'OPERATION_TOO_COMPLEX';

const LIMIT_MESSAGES: Record<Exclude<LimitName, 'bodyBytes'>, string> = {
  documentBytes: 'The document is too long',
  tokens: 'The document has too many tokens',
  depth: 'The operation nests too deeply',
  aliases: 'The operation uses too many aliases',
  fields: 'The operation selects too many fields',
  rootFields: 'The operation has too many root fields',
  cost: 'The operation would cost too much to run',
};

function tooComplex(limit: Exclude<LimitName, 'bodyBytes'>, measured: number | string, limits: OperationLimits, anonymous: boolean): GraphQLError {
  const who = anonymous ? ' for anonymous callers' : '';
  return new GraphQLError(`${LIMIT_MESSAGES[limit]}: ${measured} where at most ${limits[limit]} is allowed${who}. Ask for less, or page through it.`, {
    extensions: { code: OPERATION_TOO_COMPLEX, limit, measured, maximum: limits[limit], setting: limitVariable(limit, anonymous), http: { status: 400 } },
  });
}

// Parsed documents are reused: a client sends the same few documents over and over.
const parsed = new Map<string, DocumentNode>();

function parseBounded(source: string, tokens: number, check: (measured: string) => GraphQLError): DocumentNode {
  const key = `${tokens}:${source}`;
  const hit = parsed.get(key);
  if (hit) return hit;
  let doc: DocumentNode;
  try {
    doc = parse(source, { maxTokens: tokens, noLocation: false });
  } catch (err) {
    if (err instanceof GraphQLError && err.message.includes('tokens. Parsing aborted')) throw check(`more than ${tokens}`);
    throw new GraphQLError(err instanceof GraphQLError ? err.message : 'The document could not be parsed', {
      extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
    });
  }
  if (parsed.size >= 500) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, doc);
  return doc;
}

/**
 * The API schema's custom scalars get the subgraphs' strict parsing, so an impossible Date or
 * DateTime is refused here, before planning (BAD_USER_INPUT naming the argument), in both layouts.
 */
function strictScalars(schema: GraphQLSchema): void {
  for (const impl of [DateScalar, DateTimeScalar]) {
    const t = schema.getType(impl.name);
    if (isScalarType(t)) Object.assign(t, { parseValue: impl.parseValue, parseLiteral: impl.parseLiteral });
  }
}

export class OperationGuard {
  /**
   * @param publicRootFields `Mutation.login`-style names of the root fields marked @public in the
   *   subgraphs: anything else needs a signed-in caller, so an anonymous operation asking for it is
   *   refused here as UNAUTHENTICATED, before its cost is even measured.
   */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly costs: CostModel,
    private readonly limits: { signedIn: OperationLimits; anonymous: OperationLimits },
    private readonly publicRootFields: ReadonlySet<string>,
  ) {
    strictScalars(schema);
  }

  /**
   * Documents already admitted, by caller kind, operation name and text: clients send the same few
   * documents over and over, and measuring one again (parse, shape, literals, cost) was ~5% of the
   * gateway's CPU. The cost is remembered only for a request without variables (it depends on them).
   */
  private readonly admitted = new Map<string, { admitted: Admitted; costWithoutVariables: boolean }>();

  check(req: GuardRequest): Admitted {
    const variables = req.variables ?? {};
    const noVariables = Object.keys(variables).length === 0;
    const key = `${req.anonymous ? 'a' : 's'}${req.production ? 'p' : 'd'}${req.operationName ?? ''}\n${req.key ? `#${req.key}` : req.source}`;
    const hit = this.admitted.get(key);
    if (hit && ((noVariables && hit.costWithoutVariables) || hit.admitted.invalid)) return hit.admitted;
    if (hit) {
      const limits = req.anonymous ? this.limits.anonymous : this.limits.signedIn;
      const cost = this.cost(hit.admitted.document, hit.admitted.operation, variables, limits.fields);
      if (cost > limits.cost) throw tooComplex('cost', cost, limits, req.anonymous);
      return { ...hit.admitted, cost };
    }
    const admitted = this.measureNew(req);
    if (req.source.length <= 16_384) {
      if (this.admitted.size >= 1_000) this.admitted.delete(this.admitted.keys().next().value!);
      this.admitted.set(key, { admitted, costWithoutVariables: noVariables });
    }
    return admitted;
  }

  private measureNew(req: GuardRequest): Admitted {
    const limits = req.anonymous ? this.limits.anonymous : this.limits.signedIn;
    const refuse = (name: Exclude<LimitName, 'bodyBytes'>, measured: number | string) => tooComplex(name, measured, limits, req.anonymous);
    const bytes = Buffer.byteLength(req.source);
    if (bytes > limits.documentBytes) throw refuse('documentBytes', bytes);
    const document = parseBounded(req.source, limits.tokens, (m) => refuse('tokens', m));
    const operation = selectOperation(document, req.operationName);
    if (req.anonymous) this.requirePublic(document, operation);
    const shape = measure(document, operation);
    if (shape.rootFields > limits.rootFields) throw refuse('rootFields', shape.rootFields);
    if (shape.depth > limits.depth) throw refuse('depth', shape.depth);
    if (shape.aliases > limits.aliases) throw refuse('aliases', shape.aliases);
    if (shape.fields > limits.fields) throw refuse('fields', shape.fields);
    if (shape.introspection && req.anonymous && req.production) {
      throw new GraphQLError('Introspection is available to signed-in callers only.', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
    }
    checkLiterals(this.schema, document);
    // graphql-js validation before the cost pass: the cost pass coerces arguments and would answer a
    // bad literal with a bare 'Argument "first" has invalid value' (no reason, no location, no
    // suggestion). The shape limits above bound this walk, so a bomb is still refused before it.
    if (validate(this.schema, document, specifiedRules, { maxErrors: 20 }).length > 0) return { document, operation, shape, cost: 0, invalid: true };
    const cost = this.cost(document, operation, req.variables ?? {}, limits.fields);
    if (cost > limits.cost) throw refuse('cost', cost);
    return { document, operation, shape, cost };
  }

  private requirePublic(document: DocumentNode, operation: OperationDefinitionNode): void {
    const root = operation.operation === 'query' ? 'Query' : operation.operation === 'mutation' ? 'Mutation' : 'Subscription';
    for (const name of rootFieldNames(document, operation)) {
      if (name.startsWith('__') || this.publicRootFields.has(`${root}.${name}`)) continue;
      throw new GraphQLError('Authentication required', { path: [name], extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
  }

  private cost(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, maxNodes: number): number {
    try {
      return getComplexity({
        schema: this.schema,
        query: document,
        operationName: operation.name?.value,
        variables,
        estimators: [this.costs.estimator],
        // The fields limit already holds outside introspection; this only bounds the walk (the
        // standard introspection query expands to about 230 nodes).
        maxQueryNodes: maxNodes * 2 + 3_000,
      });
    } catch (err) {
      // Bad variables or argument values: say so now. A value that does not fit its type is the
      // caller's input (BAD_USER_INPUT, as Apollo Server says for variables); anything else is invalid.
      const message = err instanceof GraphQLError ? err.message : 'Invalid operation';
      const code = /^(Variable "\$|Argument ")/.test(message) ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED';
      throw new GraphQLError(message, { nodes: err instanceof GraphQLError ? err.nodes : undefined, extensions: { code, http: { status: 400 } } });
    }
  }
}
