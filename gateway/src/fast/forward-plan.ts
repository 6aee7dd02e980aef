// Which operations the gateway may forward without re-executing them (issue 23).
//
// An operation qualifies when its query plan is one fetch of one subgraph whose selection is the
// client's own: no entity fetch, no `requires`, no rewrites, no condition or defer node, and the
// fetch's selection set — fragments spread in — is field for field (names, aliases, arguments,
// directives, order) the client's. The subgraph then answers exactly the tree @apollo/gateway would
// rebuild from it, so its bytes can be the response. Anything else (an introspection field, a root
// `__typename`, a `__typename` the planner added, a field selected twice, fields reordered) keeps the
// general path: the comparison is conservative by construction.
import type { Schema } from '@apollo/federation-internals';
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, QueryPlanner } from '@apollo/query-planner';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface Forwardable {
  subgraph: string;
  /** The fetch exactly as the general path sends it. */
  fetch: Pick<FetchNode, 'operation' | 'operationName' | 'operationDocumentNode' | 'variableUsages'>;
}

/**
 * A selection set as one canonical string: a fragment on the enclosing type without directives is
 * its fields in place (as the planner writes it); any other fragment stays a typed group.
 */
function canonical(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, parent: GraphQLNamedType | undefined): string {
  let out = '';
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      out += `${s.alias ? `${s.alias.value}:` : ''}${s.name.value}`;
      if (s.arguments?.length) out += `(${s.arguments.map((a) => `${a.name.value}:${print(a.value)}`).join(',')})`;
      if (s.directives?.length) out += s.directives.map((d) => print(d)).join('');
      if (s.selectionSet) {
        const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[s.name.value] : undefined;
        out += `{${canonical(s.selectionSet, fragments, def ? getNamedType(def.type) : undefined)}}`;
      }
      out += ' ';
      continue;
    }
    const typeCondition = s.kind === Kind.INLINE_FRAGMENT ? s.typeCondition?.name.value : fragments.get(s.name.value)?.typeCondition.name.value;
    const inner = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments.get(s.name.value)?.selectionSet;
    if (!inner) return '\u0000unknown fragment';
    if (!s.directives?.length && (typeCondition === undefined || typeCondition === parent?.name)) out += canonical(inner, fragments, parent);
    else out += `...on ${typeCondition ?? ''}${(s.directives ?? []).map((d) => print(d)).join('')}{${canonical(inner, fragments, undefined)}} `;
  }
  return out;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
}


export class ForwardPlanner {
  private readonly cache = new Map<string, Forwardable | null>();
  /** Decisions made, for tests and the benchmark: how many documents qualified. */
  readonly stats = { forwardable: 0, general: 0 };

  constructor(
    private readonly planner: QueryPlanner,
    private readonly apiSchema: Schema,
    /** The API schema as graphql-js sees it, for the types of the fields the comparison walks. */
    private readonly schema: GraphQLSchema,
  ) {}

  /**
   * The forwarding decision for an admitted operation, made once per document and operation name
   * (its plan is computed here once; the gateway's own plan cache is not consulted).
   */
  decide(key: string, document: DocumentNode, operation: OperationDefinitionNode): Forwardable | null {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const decision = this.plan(document, operation);
    if (decision) this.stats.forwardable++;
    else this.stats.general++;
    if (key.length <= 16_384) {
      if (this.cache.size >= 1_000) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, decision);
    }
    return decision;
  }

  private plan(document: DocumentNode, operation: OperationDefinitionNode): Forwardable | null {
    if (operation.operation === 'subscription') return null;
    let node;
    try {
      node = this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName: operation.name?.value })).node;
    } catch {
      return null;
    }
    if (node?.kind !== 'Fetch') return null;
    if (node.requires?.length || node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length || node.hasDefers) return null;
    if (node.operationKind !== operation.operation) return null;
    // The planner keeps only the text unless asked for the document; parsed once here, and handed
    // to an in-process subgraph so it does not parse it again.
    const fetchDocument = node.operationDocumentNode ?? parse(node.operation);
    const fetched = fetchDocument.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!fetched) return null;
    const root = this.schema.getRootType(operation.operation) ?? undefined;
    const asked = canonical(operation.selectionSet, fragmentsOf(document), root);
    const sent = canonical(fetched.selectionSet, fragmentsOf(fetchDocument), root);
    if (asked !== sent || asked.includes('\u0000')) return null;
    return { subgraph: node.serviceName, fetch: { operation: node.operation, operationName: node.operationName, operationDocumentNode: fetchDocument, variableUsages: node.variableUsages } };
  }
}
