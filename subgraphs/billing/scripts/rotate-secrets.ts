// `pnpm secrets:rotate`: reseals every tenant's gateway secrets with the first key of
// PAYMENT_SECRETS_KEYS (see src/providers/rotate.ts). Exits 1 when a tenant could not be resealed.
import { createPlatform, loadConfig } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { resealGatewaySecrets } from '../src/providers/rotate.ts';

const platform = await createPlatform(loadConfig(), createLogger('secrets-rotate'));
try {
  const r = await resealGatewaySecrets(platform);
  console.log(`Resealed ${r.resealed} gateway account(s) in ${r.tenants} tenant(s) with key "${platform.config.payments.secrets.currentKid}".`);
  for (const f of r.failed) console.error(`  ${f.tenant}: ${f.error}`);
  process.exitCode = r.failed.length ? 1 : 0;
} finally {
  await platform.close();
}
