// `pnpm run token --role OWNER --tenant <tenant id> [--sub <user id>] [--ttl 3600]`: mints a dev access
// token signed with this machine's key ring (JWT_KEYS, or the generated .data/dev-secrets.json).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isPlatformRole, isRole, loadConfig } from '../src/index.ts';
import { signAccessToken } from '../src/security/index.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { role: { type: 'string' }, tenant: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } },
});
const role = values.role?.toUpperCase();
if (!isRole(role)) {
  console.error('usage: pnpm run token --role SUPER_ADMIN|ADMIN|SUPPORT|OWNER|MANAGER|STAFF|STUDENT [--tenant <id>] [--sub <id>] [--ttl seconds]');
  process.exit(2);
}
if (!isPlatformRole(role) && !values.tenant) {
  console.error(`--tenant is required for role ${role}`);
  process.exit(2);
}
const config = loadConfig();
const ttl = values.ttl ? Number(values.ttl) : 3600;
console.log(signAccessToken(config.keyRing, { sub: values.sub ?? randomUUID(), role, tenantId: isPlatformRole(role) ? null : values.tenant! }, ttl));
