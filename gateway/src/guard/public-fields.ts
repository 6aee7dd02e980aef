// Which root fields anonymous callers may ask for: those a subgraph marks @public (sign-in, OTP,
// refresh). The gateway reads it from the subgraph modules it composes, in both layouts.
import type { SubgraphModule } from '@studyspot/runtime';
import { Kind } from 'graphql';

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

export function publicRootFields(modules: readonly SubgraphModule[]): Set<string> {
  const out = new Set<string>();
  for (const m of modules) {
    for (const def of m.typeDefs.definitions) {
      if ((def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) || !ROOTS.has(def.name.value)) continue;
      for (const f of def.fields ?? []) if (f.directives?.some((d) => d.name.value === 'public')) out.add(`${def.name.value}.${f.name.value}`);
    }
  }
  return out;
}
