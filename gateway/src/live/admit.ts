// Joining a group: a subscribe message that the limits let through is checked like an HTTP operation
// (the operation guard, GraphQL validation), planned, its arguments coerced and its topic named; the
// caller joins the group for its key, and the first message — computed by the subgraph for the
// caller's scope — is its answer (a refusal is an `error` message).
import type { LiveCaller, LiveField } from '@studyspot/runtime';
import { getArgumentValues, getVariableValues, GraphQLError, validate, type ExecutionArgs, type FieldNode } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { OperationGuard } from '../guard/guard.ts';
import type { SocketState } from './connection.ts';
import { groupKey, type LiveEngine } from './groups.ts';
import { coded } from './limits.ts';
import { SocketMember } from './member.ts';
import type { LivePlanner } from './plan.ts';

export interface AdmitDeps {
  planner: LivePlanner;
  engine: LiveEngine;
  fields: Map<string, LiveField<never>>;
  guard: () => OperationGuard;
  production: boolean;
  limits: ConstructorParameters<typeof SocketMember>[2];
}

/** Everything after the limits: validation, planning, the first snapshot; a subscription or why not. */
export function admission(deps: AdmitDeps) {
  const { planner, engine, fields } = deps;
  return async function admit(state: SocketState, id: string, payload: SubscribePayload, release: () => void): Promise<ExecutionArgs | GraphQLError[]> {
    const variables = payload.variables ?? {};
    let admitted;
    try {
      admitted = deps.guard().check({ source: payload.query, operationName: payload.operationName ?? null, variables, anonymous: false, production: deps.production });
    } catch (err) {
      return [err instanceof GraphQLError ? err : coded('Invalid operation', 'GRAPHQL_VALIDATION_FAILED')];
    }
    const invalid = validate(planner.schema, admitted.document);
    if (invalid.length) return invalid.map((e) => coded(e.message, 'GRAPHQL_VALIDATION_FAILED'));
    let prepared;
    try {
      prepared = planner.prepare(payload.query, admitted.document, payload.operationName ?? null);
    } catch (err) {
      return [err instanceof GraphQLError ? err : coded('This subscription cannot be planned', 'BAD_REQUEST')];
    }
    const field = fields.get(prepared.field);
    if (!field) return [coded(`Subscription.${prepared.field} has no live source`, 'BAD_REQUEST')];
    const coerced = getVariableValues(planner.schema, prepared.operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return coerced.errors.map((e) => coded(e.message, 'BAD_USER_INPUT'));
    const rootField = planner.schema.getSubscriptionType()!.getFields()[prepared.field]!;
    const args = getArgumentValues(rootField, prepared.operation.selectionSet.selections[0] as FieldNode, coerced.coerced);
    if (!state.caller) return [coded('Choose a tenant: connection_init { tenantId }', 'FORBIDDEN')];
    const topic = (field.topic as (a: unknown, c: LiveCaller) => string | null)(args, state.caller);
    if (!topic) return [coded('Nothing to follow here', 'NOT_FOUND')];
    // The plan runs with the variables as sent (JSON), as an HTTP request's would; the coerced
    // values only name the topic.
    const group = engine.group({ key: groupKey(prepared.field, payload.query, payload.operationName ?? null, variables, state.caller), topic, field, prepared, variables, args, caller: state.caller, identity: state.identity! });
    const member = new SocketMember(state.ws, id, deps.limits);
    const refused = await group.snapshotFor(member);
    if (refused) return refused.length ? [...refused] : [coded('Not found', 'NOT_FOUND')];
    if (state.ws.readyState !== state.ws.OPEN) {
      group.leave(member);
      return [coded('The connection closed', 'BAD_REQUEST')];
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      member.stop();
      group.leave(member);
      state.subs.delete(id);
      release();
    };
    state.subs.set(id, { group, member, end });
    return { schema: planner.schema, document: admitted.document, variableValues: variables, contextValue: { end } } as ExecutionArgs;
  };
}
