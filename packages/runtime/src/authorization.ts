// Nothing is open by default: every Query, Mutation and Subscription field of every subgraph must
// carry @auth(requires: "<permission>") or @public, or building the subgraph fails. The wrapper
// checks the permission, and that a tenant-role caller's tenant is active, before the resolver runs.
import { defaultFieldResolver, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { SubgraphContext } from './context.ts';
import { isPermission, type Permission } from './roles.ts';

/** Federation's own fields: entity resolution is authorized per type in __resolveReference. */
const FEDERATION_FIELDS = new Set(['_entities', '_service']);

export type Access = 'public' | Permission;

/** The access rule a root field declares. Throws when it declares none (or an unknown permission). */
export function fieldAccess(typeName: string, field: GraphQLField<unknown, never>): Access {
  const directives = field.astNode?.directives ?? [];
  const isPublic = directives.some((d) => d.name.value === 'public');
  const auth = directives.find((d) => d.name.value === 'auth');
  if (isPublic && auth) throw new Error(`${typeName}.${field.name} has both @public and @auth`);
  if (isPublic) return 'public';
  if (!auth) throw new Error(`${typeName}.${field.name} has neither @auth(requires: …) nor @public`);
  const arg = auth.arguments?.find((a) => a.name.value === 'requires')?.value;
  const permission = arg?.kind === 'StringValue' ? arg.value : undefined;
  if (!isPermission(permission)) throw new Error(`${typeName}.${field.name}: unknown permission "${String(permission)}"`);
  return permission;
}

/** Every root field with its access rule, e.g. for an authorization matrix test. */
export function rootFieldAccess(schema: GraphQLSchema): { type: string; field: string; access: Access }[] {
  const out: { type: string; field: string; access: Access }[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (!FEDERATION_FIELDS.has(field.name)) out.push({ type: root.name, field: field.name, access: fieldAccess(root.name, field) });
    }
  }
  return out;
}

/** Wraps every root field's resolver (and subscribe) with its access check, in place. */
export function applyAuthorization(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields()) as GraphQLField<unknown, SubgraphContext>[]) {
      if (FEDERATION_FIELDS.has(field.name)) continue;
      const access = fieldAccess(root.name, field as GraphQLField<unknown, never>);
      if (access === 'public') continue;
      // A few fields stay open to a suspended tenant's users, so they can pay what suspended them.
      const auth = field.astNode?.directives?.find((d) => d.name.value === 'auth');
      const whileSuspended = auth?.arguments?.some((a) => a.name.value === 'whileSuspended' && a.value.kind === 'BooleanValue' && a.value.value) ?? false;
      const guard = async (ctx: SubgraphContext) => {
        ctx.authorize(access);
        if (!whileSuspended) await ctx.ensureTenantActive();
      };
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = async (src, args, ctx, info) => {
        await guard(ctx);
        return resolve(src, args, ctx, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = async (src, args, ctx, info) => {
          await guard(ctx);
          return subscribe(src, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
