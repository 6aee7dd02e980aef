// The shape of an operation, measured in one pass over the document before anything else looks at
// it: depth, field selections and aliases with fragments expanded, root fields, introspection.
// Each fragment is measured once and reused (memoized), so a "fragment bomb" whose expansion is
// exponential costs time linear in the document; cycles are refused here, before validation would.
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface Shape {
  depth: number;
  fields: number;
  aliases: number;
  rootFields: number;
  /** Selects __schema or __type somewhere. */
  introspection: boolean;
}

const INTROSPECTION = new Set(['__schema', '__type']);
const ZERO: Shape = { depth: 0, fields: 0, aliases: 0, rootFields: 0, introspection: false };

class FragmentCycle extends Error {}

export function measure(document: DocumentNode, operation: OperationDefinitionNode): Shape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Shape>();
  const active = new Set<string>();

  const fragment = (name: string): Shape => {
    const known = memo.get(name);
    if (known) return known;
    const def = fragments.get(name);
    if (!def) return ZERO; // unknown fragment: validation reports it
    if (active.has(name)) throw new FragmentCycle(name);
    active.add(name);
    const s = selections(def.selectionSet);
    active.delete(name);
    memo.set(name, s);
    return s;
  };

  // depth: of the deepest field below (a field with no selection set has depth 1).
  const selections = (set: SelectionSetNode): Shape => {
    const out = { ...ZERO };
    for (const sel of set.selections) {
      let s: Shape;
      if (sel.kind === Kind.FIELD && INTROSPECTION.has(sel.name.value)) {
        // Introspection is answered by the gateway from the schema, bounded by graphql-js's
        // MaxIntrospectionDepthRule; its standard query is depth 15, so it is not measured here.
        s = { depth: 1, fields: 1, aliases: sel.alias ? 1 : 0, rootFields: 1, introspection: true };
      } else if (sel.kind === Kind.FIELD) {
        const below = sel.selectionSet ? selections(sel.selectionSet) : ZERO;
        s = { depth: below.depth + 1, fields: below.fields + 1, aliases: below.aliases + (sel.alias ? 1 : 0), rootFields: 1, introspection: below.introspection };
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        s = selections(sel.selectionSet);
      } else {
        s = fragment(sel.name.value);
      }
      out.depth = Math.max(out.depth, s.depth);
      out.fields += s.fields;
      out.aliases += s.aliases;
      out.rootFields += s.rootFields;
      out.introspection ||= s.introspection;
    }
    return out;
  };

  try {
    return selections(operation.selectionSet);
  } catch (err) {
    if (err instanceof FragmentCycle) {
      throw new GraphQLError(`Cannot spread fragment "${err.message}" within itself.`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
    }
    throw err;
  }
}

/** The operation a request runs: by name, or the only one. Coded 400s otherwise (graphql-js would 500 here behind the gateway). */
export function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fail = (message: string) => new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
  if (operationName) {
    const op = operations.find((o) => o.name?.value === operationName);
    if (!op) throw fail(`Unknown operation named "${operationName}".`);
    return op;
  }
  if (operations.length === 1) return operations[0]!;
  if (operations.length === 0) throw fail('The document contains no operation.');
  throw fail('The document contains several operations: send operationName to choose one.');
}

/** Names of the root fields an operation selects (through fragments too; unknown fragments skipped). */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) names.push(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const f = fragments.get(sel.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
}
