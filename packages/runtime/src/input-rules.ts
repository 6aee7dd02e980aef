// Text inputs, checked in one place for every field of every subgraph: a maximum length (String
// 200 and ID 64 characters unless the SDL says `@length(max: N)`), no NUL characters and no
// unpaired UTF-16 surrogates (PostgreSQL refuses both). The same rule writes "At most N characters."
// into each argument's and input field's description, so partners read the limit in Sandbox.
import {
  defaultFieldResolver,
  GraphQLError,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type TypeNode,
} from 'graphql';

export const DEFAULT_MAX_LENGTH: Readonly<Record<string, number>> = { String: 200, ID: 64 };

const namedType = (t: TypeNode): NamedTypeNode => (t.kind === Kind.NAMED_TYPE ? t : namedType(t.type));

function declaredMax(directives: readonly ConstDirectiveNode[] | undefined): number | undefined {
  const d = directives?.find((x) => x.name.value === 'length');
  const v = d?.arguments?.find((a) => a.name.value === 'max')?.value;
  return v?.kind === Kind.INT ? Number(v.value) : undefined;
}

function maxLengthOf(def: InputValueDefinitionNode): number | undefined {
  const base = DEFAULT_MAX_LENGTH[namedType(def.type).name.value];
  return base === undefined ? undefined : (declaredMax(def.directives) ?? base);
}

export const limitSentence = (max: number) => `At most ${max.toLocaleString('en-US')} characters.`;

/** Appends the length limit to the description of every text argument and input field. */
export function describeLengthLimits(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    InputValueDefinition(node) {
      const max = maxLengthOf(node);
      if (max === undefined) return undefined;
      const text = node.description?.value.trim();
      const sentence = limitSentence(max);
      if (text?.endsWith(sentence)) return undefined;
      return { ...node, description: { kind: Kind.STRING, value: text ? `${text} ${sentence}` : sentence, block: true } };
    },
  });
}

type Check = (value: unknown, path: string) => void;

const refuse = (message: string, path: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field: path } });

// An unpaired surrogate: a high one not followed by a low one, or a low one not after a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textCheck(max: number): Check {
  return (v, path) => {
    if (typeof v !== 'string') return;
    if (v.length > max) throw refuse(`${path} is too long: at most ${max} characters, got ${v.length}`, path);
    if (v.includes('\u0000')) throw refuse(`${path} must not contain NUL characters`, path);
    if (LONE_SURROGATE.test(v)) throw refuse(`${path} is not valid Unicode text (an unpaired surrogate)`, path);
  };
}

/** A checker for values of `type` (null when nothing in it is text), for an argument or input field. */
function checkerFor(type: GraphQLInputType, def: { astNode?: InputValueDefinitionNode | null }, seen: Map<string, Check | null>): Check | null {
  if (isNonNullType(type)) return checkerFor(type.ofType, def, seen);
  if (isListType(type)) {
    const inner = checkerFor(type.ofType, def, seen);
    return inner && ((v, path) => Array.isArray(v) && v.forEach((x, i) => inner(x, `${path}.${i}`)));
  }
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (seen.has(named.name)) return (v, path) => seen.get(named.name)?.(v, path);
    seen.set(named.name, null);
    const fields = Object.values(named.getFields())
      .map((f: GraphQLInputField) => [f.name, checkerFor(f.type, f, seen)] as const)
      .filter((x): x is readonly [string, Check] => x[1] !== null);
    const check: Check | null = fields.length
      ? (v, path) => {
          if (!v || typeof v !== 'object') return;
          for (const [name, c] of fields) c((v as Record<string, unknown>)[name], `${path}.${name}`);
        }
      : null;
    seen.set(named.name, check);
    return check;
  }
  const base = DEFAULT_MAX_LENGTH[named.name];
  if (base === undefined) return null;
  return textCheck((def.astNode && maxLengthOf(def.astNode)) ?? base);
}

/** Wraps every field that takes arguments so its text arguments are checked before it resolves. */
export function applyInputRules(schema: GraphQLSchema): GraphQLSchema {
  const seen = new Map<string, Check | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name === '_entities' || field.name === '_service') continue;
      const checks = field.args
        .map((a: GraphQLArgument) => [a.name, checkerFor(a.type, a, seen)] as const)
        .filter((x): x is readonly [string, Check] => x[1] !== null);
      if (!checks.length) continue;
      const guard = (args: Record<string, unknown>) => {
        for (const [name, c] of checks) c(args[name], name);
      };
      const { resolve = defaultFieldResolver, subscribe } = field;
      field.resolve = (src, args, ctx, info) => (guard(args), resolve(src, args, ctx, info));
      if (subscribe) field.subscribe = (src, args, ctx, info) => (guard(args), subscribe(src, args, ctx, info));
    }
  }
  return schema;
}
