// Literal argument values checked against the API schema's scalars before anything else runs: an
// impossible Date written into the document is BAD_USER_INPUT naming the argument, exactly like the
// same value sent as a variable (graphql-js validation would call it a validation failure instead).
import {
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';

function problem(value: ValueNode, type: GraphQLInputType, path: string): [string, string] | null {
  if (value.kind === Kind.VARIABLE || value.kind === Kind.NULL) return null;
  if (isNonNullType(type)) return problem(value, type.ofType, path);
  if (isListType(type)) {
    const items = value.kind === Kind.LIST ? value.values : [value];
    for (const [i, v] of items.entries()) {
      const p = problem(v, type.ofType, `${path}.${i}`);
      if (p) return p;
    }
    return null;
  }
  if (isInputObjectType(type)) {
    if (value.kind !== Kind.OBJECT) return null;
    const fields = type.getFields();
    for (const f of value.fields) {
      const def = fields[f.name.value];
      const p = def && problem(f.value, def.type, `${path}.${f.name.value}`);
      if (p) return p;
    }
    return null;
  }
  if (isScalarType(type) && !type.specifiedByURL && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) {
    try {
      type.parseLiteral(value, undefined);
    } catch (err) {
      return [path, err instanceof Error ? err.message : `Invalid ${type.name}`];
    }
  }
  return null;
}

export function checkLiterals(schema: GraphQLSchema, document: DocumentNode): void {
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const def = typeInfo.getArgument();
        const p = def && problem(node.value, def.type, node.name.value);
        if (p) throw new GraphQLError(`Argument "${p[0]}" has an invalid value: ${p[1]}`, { extensions: { code: 'BAD_USER_INPUT', field: p[0], http: { status: 400 } } });
      },
    }),
  );
}
