// Gateway accounts: thin resolvers over accounts.ts. Secrets never leave: only the last 4 characters.
import { ports } from '@studyspot/runtime';
import { scoped } from '../shared/loaders.ts';
import { connectAccount, disconnectAccount, isDown, listAccounts, webhookUrl } from './accounts.ts';
import { providerEnum, type Provider } from './provider.ts';
import type { Resolvers } from '../generated/resolvers.ts';

const lower = (p: string) => p.toLowerCase() as Provider;

export const providersResolvers: Resolvers = {
  Query: {
    gatewayAccounts: async (_p, _a, ctx) => listAccounts((await scoped(ctx)).s.db),
  },
  Mutation: {
    connectGatewayAccount: async (_p, a, ctx) => connectAccount((await scoped(ctx)).s, { ...a.input, provider: lower(a.input.provider) }),
    disconnectGatewayAccount: async (_p, a, ctx) => disconnectAccount((await scoped(ctx)).s, lower(a.provider)),
  },
  GatewayAccount: {
    provider: (a) => providerEnum(a.provider),
    status: (a) => (!a.active ? 'DISABLED' : isDown(a) ? 'DOWN' : 'ACTIVE'),
    webhookUrl: async (a, _x, ctx) => {
      const { s } = await scoped(ctx);
      const tenant = (await ports.tenants.profile(ctx.core, s.tenantId))!;
      return webhookUrl(ctx.platform, a.provider as Provider, tenant.webhookKey);
    },
  },
};
