// Walks the public API schema to build hostile requests: for every argument and input field of every
// query and mutation, a request whose only bad value sits at that spot (an impossible value of its
// type, an overlong string, NUL bytes, a lone surrogate, a garbage id or cursor), the rest valid.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

export interface HostileCase {
  field: string;
  path: string;
  kind: string;
  operation: 'query' | 'mutation';
  /** As variables: the document declares one variable per argument. */
  asVariables: { query: string; variables: Record<string, unknown> };
  /** The same values written as literals into the document. */
  asLiteral: { query: string };
}

const uuid = '4b4d5f0e-1111-4222-8333-444455556666';

/** The longest text the description promises ("At most N characters."), else the default. */
function maxLength(description: string | null | undefined, named: GraphQLNamedType): number {
  const m = /At most ([\d,]+) characters\./.exec(description ?? '');
  if (m) return Number(m[1]!.replace(/,/g, ''));
  return named.name === 'ID' ? 64 : 200;
}

function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = sample(f.type);
    return out;
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (type.name) {
    case 'ID':
      return uuid;
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'Date':
      return '2026-12-01';
    case 'DateTime':
      return '2026-12-01T10:00:00Z';
    default:
      return 'x';
  }
}

/** Bad values for a leaf of `named` type at an argument or field called `name`. */
function badValues(named: GraphQLNamedType, name: string, description: string | null | undefined): [string, unknown][] {
  if (isEnumType(named)) return [['unknown enum value', 'NOT_A_VALUE']];
  if (!isScalarType(named)) return [];
  const max = maxLength(description, named);
  switch (named.name) {
    case 'Int':
      return [['Int out of range', 2 ** 31], ['a string for an Int', 'seven']];
    case 'Float':
      return [['a string for a Float', 'lots']];
    case 'Boolean':
      return [['a string for a Boolean', 'yes']];
    case 'Date':
      return [['impossible Date', '2026-02-30'], ['month 13', '2026-13-01']];
    case 'DateTime':
      return [['DateTime "1"', '1'], ['DateTime out of range', '+275760-09-13T00:00:00Z']];
    case 'String':
    case 'ID': {
      const out: [string, unknown][] = [
        ['overlong', 'x'.repeat(max + 1)],
        ['NUL byte', 'a\u0000b'],
        ['lone surrogate', 'a\ud800b'],
      ];
      if (named.name === 'ID') out.push(['garbage id', 'not-an-id']);
      if (name === 'after') out.push(['garbage cursor', 'Z2FyYmFnZQ'], ['cursor to nowhere', Buffer.from('2026-01-01T00:00:00.000Z|not-a-uuid').toString('base64url')]);
      return out;
    }
    default:
      return [];
  }
}

interface Leaf {
  path: string[];
  named: GraphQLNamedType;
  name: string;
  description: string | null | undefined;
}

function leaves(type: GraphQLInputType, path: string[], name: string, description: string | null | undefined, seen: Set<string>): Leaf[] {
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (seen.has(named.name)) return [];
    const next = new Set(seen).add(named.name);
    // A list of input objects: the bad value goes into its first element.
    const prefix = isListType(isNonNullType(type) ? type.ofType : type) ? [...path, '0'] : path;
    return Object.values(named.getFields()).flatMap((f) => leaves(f.type, [...prefix, f.name], f.name, f.description, next));
  }
  const list = isListType(isNonNullType(type) ? type.ofType : type);
  return [{ path: list ? [...path, '0'] : path, named, name, description }];
}

/** A valid value of `type` except at `path`, where `bad` goes. */
function build(type: GraphQLInputType, path: string[], bad: unknown): unknown {
  if (path.length === 0) return bad;
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) return [build(t.ofType, path.slice(1), bad)];
  if (!isInputObjectType(t)) return bad;
  const base = sample(t) as Record<string, unknown>;
  const field = t.getFields()[path[0]!]!;
  return { ...base, [field.name]: build(field.type, path.slice(1), bad) };
}

/** A GraphQL literal of `value` for `type` (enums bare, strings JSON-escaped, which GraphQL accepts). */
function literal(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) return Array.isArray(value) ? `[${value.map((v) => literal(v, t.ofType)).join(', ')}]` : literal(value, t.ofType);
  if (isInputObjectType(t)) {
    const fields = t.getFields();
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${literal(v, fields[k]!.type)}`)
      .join(', ')} }`;
  }
  if (isEnumType(t) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  return JSON.stringify(value);
}

const selection = (f: GraphQLField<unknown, unknown>) => (isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type)) ? '' : ' { __typename }');

export function hostileCases(schema: GraphQLSchema): HostileCase[] {
  const out: HostileCase[] = [];
  for (const [operation, root] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const args = field.args as readonly GraphQLArgument[];
      for (const arg of args) {
        for (const leaf of leaves(arg.type, [arg.name], arg.name, arg.description, new Set())) {
          for (const [kind, bad] of badValues(leaf.named, leaf.name, leaf.description)) {
            const values: Record<string, unknown> = {};
            for (const a of args) if (isNonNullType(a.type) && a.name !== arg.name) values[a.name] = sample(a.type);
            values[arg.name] = build(arg.type, leaf.path.slice(1), bad);
            const used = args.filter((a) => a.name in values);
            const decl = used.map((a, i) => `$v${i}: ${a.type.toString()}`).join(', ');
            const vars = Object.fromEntries(used.map((a, i) => [`v${i}`, values[a.name]]));
            const call = (text: (a: GraphQLArgument, i: number) => string) => `${field.name}(${used.map((a, i) => `${a.name}: ${text(a, i)}`).join(', ')})${selection(field)}`;
            out.push({
              field: `${root!.name}.${field.name}`,
              path: leaf.path.join('.'),
              kind,
              operation,
              asVariables: { query: `${operation}${decl ? `(${decl})` : ''} { ${call((_a, i) => `$v${i}`)} }`, variables: vars },
              asLiteral: { query: `${operation} { ${call((a) => literal(values[a.name], a.type))} }` },
            });
          }
        }
      }
    }
  }
  return out;
}
