// Key rotation for gateway secrets at rest: every secret sealed with an older key of the ring is
// opened and sealed again with the current (first) key, in every tenant with a database. Run it
// after putting a new key first in PAYMENT_SECRETS_KEYS; once it reports nothing left, the old key
// can be dropped. Idempotent: a second run reseals nothing.
import { ports, type Platform } from '@studyspot/runtime';
import { allAccounts, reseal } from './providers.repository.ts';

export interface RotationReport {
  tenants: number;
  resealed: number;
  /** Tenants whose secrets could not be resealed (e.g. a key missing from the ring), with why. */
  failed: { tenant: string; error: string }[];
}

export async function resealGatewaySecrets(platform: Platform): Promise<RotationReport> {
  const { secrets } = platform.config.payments;
  const tenants = await ports.tenants.withStatuses(platform.core, ['ACTIVE', 'SUSPENDED']);
  const report: RotationReport = { tenants: tenants.length, resealed: 0, failed: [] };
  for (const t of tenants) {
    try {
      await platform.tenants.withTenant(
        t.id,
        async (db) => {
          for (const a of await allAccounts(db)) {
            const stale = secrets.isStale(a.secretEnc) || (a.webhookSecretEnc !== null && secrets.isStale(a.webhookSecretEnc));
            if (!stale) continue;
            await reseal(db, a.provider, secrets.seal(secrets.open(a.secretEnc)), a.webhookSecretEnc === null ? null : secrets.seal(secrets.open(a.webhookSecretEnc)));
            report.resealed++;
          }
        },
        { allowSuspended: true },
      );
    } catch (err) {
      report.failed.push({ tenant: t.slug, error: (err as Error).message });
    }
  }
  return report;
}
