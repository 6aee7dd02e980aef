// What a field costs, read from the supergraph: the subgraphs declare Apollo's demand-control
// directives (@cost(weight), @listSize(assumedSize, slicingArguments, sizedFields)), composition
// keeps them in the supergraph, and this model turns them into a graphql-query-complexity estimator.
// An object costs 1 unless it says otherwise, a scalar 0, and a list multiplies what it selects by
// its size: the value of its slicing argument (`first`, whose SDL default is the default page size),
// else its assumed size, else DEFAULT_LIST_SIZE.
import { getNamedType, getNullableType, isCompositeType, isListType, Kind, parse, type ConstDirectiveNode, type GraphQLField } from 'graphql';
import type { ComplexityEstimator, ComplexityEstimatorArgs } from 'graphql-query-complexity';

/** Size assumed for a list field that declares nothing (small lists: user errors, opening hours). */
export const DEFAULT_LIST_SIZE = 10;

interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

export interface CostModel {
  estimator: ComplexityEstimator;
  /** `Type.field` → its @listSize, for tests that every big list declares one. */
  listSizes: ReadonlyMap<string, ListSize>;
  /** `Type.field` whose size its parent's slicing argument gives (a connection's `edges`). */
  sizedByParent: ReadonlySet<string>;
}

function intArg(d: ConstDirectiveNode, name: string): number | undefined {
  const v = d.arguments?.find((a) => a.name.value === name)?.value;
  return v?.kind === Kind.INT ? Number(v.value) : undefined;
}

function stringListArg(d: ConstDirectiveNode, name: string): string[] | undefined {
  const v = d.arguments?.find((a) => a.name.value === name)?.value;
  if (v?.kind === Kind.LIST) return v.values.flatMap((x) => (x.kind === Kind.STRING ? [x.value] : []));
  if (v?.kind === Kind.STRING) return [v.value];
  return undefined;
}

export function costModelFromSupergraph(supergraphSdl: string): CostModel {
  const weights = new Map<string, number>();
  const typeWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  const fieldTypes = new Map<string, string>();
  for (const def of parse(supergraphSdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeCost = def.directives?.find((d) => d.name.value === 'cost');
    if (typeCost) typeWeights.set(def.name.value, intArg(typeCost, 'weight') ?? 1);
    for (const f of def.fields ?? []) {
      const key = `${def.name.value}.${f.name.value}`;
      let t = f.type;
      while (t.kind !== Kind.NAMED_TYPE) t = t.type;
      fieldTypes.set(key, t.name.value);
      for (const d of f.directives ?? []) {
        if (d.name.value === 'cost') weights.set(key, intArg(d, 'weight') ?? 1);
        if (d.name.value === 'listSize') {
          listSizes.set(key, { assumedSize: intArg(d, 'assumedSize'), slicingArguments: stringListArg(d, 'slicingArguments'), sizedFields: stringListArg(d, 'sizedFields') });
        }
      }
    }
  }
  // A connection field sizes its `edges`: the multiplier is applied once, at the connection.
  const sizedByParent = new Set<string>();
  for (const [key, size] of listSizes) for (const f of size.sizedFields ?? []) sizedByParent.add(`${fieldTypes.get(key)}.${f}`);

  const sizeOf = (key: string, args: Record<string, unknown>): number => {
    const declared = listSizes.get(key);
    const sliced = (declared?.slicingArguments ?? []).map((a) => args[a]).filter((v): v is number => typeof v === 'number');
    // A negative or absurd page size is refused by the subgraph; for the estimate it counts as what was asked.
    if (sliced.length) return Math.max(0, ...sliced);
    return declared?.assumedSize ?? DEFAULT_LIST_SIZE;
  };

  const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }: ComplexityEstimatorArgs) => {
    // Introspection is bounded by graphql-js's MaxIntrospectionDepthRule, not by this estimate.
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    const key = `${type.name}.${field.name}`;
    const named = getNamedType(field.type);
    const own = weights.get(key) ?? typeWeights.get(named.name) ?? (isCompositeType(named) ? 1 : 0);
    const declared = listSizes.get(key);
    if (declared?.sizedFields?.length) return own + sizeOf(key, args) * childComplexity;
    if (isListType(getNullableType(field.type)) && !sizedByParent.has(key)) return sizeOf(key, args) * (own + childComplexity);
    return own + childComplexity;
  };
  return { estimator, listSizes, sizedByParent };
}

/** Whether a field returns a list of objects (what must declare a size). */
export function isObjectList(field: GraphQLField<unknown, unknown>): boolean {
  return isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
}
