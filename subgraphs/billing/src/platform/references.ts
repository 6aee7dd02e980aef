// Plans, subscriptions and invoices by id, batched per request: a list of N references costs the
// statements of one (tests/entity-references.test.ts).
import { byIds, isUuid, type SubgraphContext } from '@studyspot/runtime';
import { invoicesByIds, plansByIds, subscriptionsByIds } from './platform.repository.ts';

type Row<F extends (...a: never[]) => Promise<unknown[]>> = Awaited<ReturnType<F>>[number];

const byId =
  <R extends { id: string }>(name: string, find: (ctx: SubgraphContext, ids: readonly string[]) => Promise<R[]>) =>
  (ctx: SubgraphContext, id: string): Promise<R | null> =>
    isUuid(id) ? ctx.loader<string, R | null>(name, async (ids) => byIds(ids, await find(ctx, ids))).load(id) : Promise.resolve(null);

export const planById = byId<Row<typeof plansByIds>>('billing:plan', (ctx, ids) => plansByIds(ctx.core, ids));
export const subscriptionById = byId<Row<typeof subscriptionsByIds>>('billing:subscription', (ctx, ids) => subscriptionsByIds(ctx.core, ids));
export const invoiceById = byId<Row<typeof invoicesByIds>>('billing:platformInvoice', (ctx, ids) => invoicesByIds(ctx.core, ids));
