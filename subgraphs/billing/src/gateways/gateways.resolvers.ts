// Gateway accounts: thin resolvers over accounts.ts. Secrets never leave: only the last 4 characters.
import { ports, type Resolvers } from '@studyspot/runtime';
import { L } from '../loaders.ts';
import { connectAccount, disconnectAccount, isDown, listAccounts, webhookUrl, type AccountRow, type ConnectInput } from './accounts.ts';
import type { Provider } from './provider.ts';

const lower = (p: string) => p.toLowerCase() as Provider;

export const gatewaysResolvers: Resolvers = {
  Query: {
    gatewayAccounts: async (_p, _a, ctx) => listAccounts((await L(ctx)).s.db),
  },
  Mutation: {
    connectGatewayAccount: async (_p, a: { input: ConnectInput }, ctx) => connectAccount((await L(ctx)).s, { ...a.input, provider: lower(a.input.provider) }),
    disconnectGatewayAccount: async (_p, a: { provider: string }, ctx) => disconnectAccount((await L(ctx)).s, lower(a.provider)),
  },
  GatewayAccount: {
    provider: (a: AccountRow) => a.provider.toUpperCase(),
    status: (a: AccountRow) => (!a.active ? 'DISABLED' : isDown(a) ? 'DOWN' : 'ACTIVE'),
    webhookUrl: async (a: AccountRow, _x, ctx) => {
      const { s } = await L(ctx);
      const tenant = (await ports.tenants.profile(ctx.core, s.tenantId))!;
      return webhookUrl(ctx.platform, a.provider as Provider, tenant.webhookKey);
    },
  },
};
