import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SANDBOX_ORIGINS } from './config.ts';
import { DEFAULT_LIMITS } from './limits.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'cfg-'));
const keys = 'k1:0123456789abcdefghijklmnopqrstuvwxyz';

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to embedded PGlite, in-process events, port 4000 and generated dev secrets that persist', () => {
    const dir = dataDir();
    const c = loadConfig({ STUDYSPOT_DATA_DIR: dir });
    expect(c.database).toEqual({ kind: 'pglite', dataDir: dir });
    expect(c.redisUrl).toBeNull();
    expect(c.port).toBe(4000);
    // A development server listens on loopback only, unless HOST opens it.
    expect(c.host).toBe('127.0.0.1');
    expect(loadConfig({ STUDYSPOT_DATA_DIR: dir, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(c.seedDemo).toBe(true);
    const again = loadConfig({ STUDYSPOT_DATA_DIR: dir });
    expect(again.keyRing.signingKey).toEqual(c.keyRing.signingKey);
    expect(again.gatewaySecret).toBe(c.gatewaySecret);
  });

  it('gives every process started at once the same generated secrets', async () => {
    const dir = dataDir();
    const { spawn } = await import('node:child_process');
    const script = `import { loadConfig } from ${JSON.stringify(new URL('./config.ts', import.meta.url).pathname)}; const c = loadConfig({ STUDYSPOT_DATA_DIR: ${JSON.stringify(dir)} }); console.log(c.gatewaySecret + ' ' + c.keyRing.signingKey.kid);`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
      });
    const seen = await Promise.all(Array.from({ length: 6 }, run));
    expect(new Set(seen).size).toBe(1);
    expect(loadConfig({ STUDYSPOT_DATA_DIR: dir }).gatewaySecret).toBe(seen[0]!.split(' ')[0]);
    // Six tsx processes starting at once take several seconds on a busy 2-core machine; the test
    // asserts agreement, not speed.
  }, 60_000);

  it('allows Apollo Sandbox origins outside production only, plus CORS_ORIGINS', () => {
    const dev = loadConfig({ STUDYSPOT_DATA_DIR: dataDir(), CORS_ORIGINS: 'https://app.example.com' });
    expect(dev.corsOrigins).toEqual(['https://app.example.com', ...SANDBOX_ORIGINS]);
    const prod = loadConfig({ STUDYSPOT_DATA_DIR: dataDir(), NODE_ENV: 'production', JWT_KEYS: keys, GATEWAY_SECRET: 'x'.repeat(20), STUDYSPOT_INSECURE_LOG_OTP_CODES: '1', PAYMENT_SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, PUBLIC_URL: 'https://api.example.com', CORS_ORIGINS: 'https://app.example.com' });
    expect(prod.host).toBe('0.0.0.0');
    expect(prod.corsOrigins).toEqual(['https://app.example.com']);
    expect(errorOf({ STUDYSPOT_DATA_DIR: dataDir(), CORS_ORIGINS: 'https://app.example.com/' }).message).toMatch(/^CORS_ORIGINS: /);
  });

  it('reads operation limits per class of caller', () => {
    const c = loadConfig({ STUDYSPOT_DATA_DIR: dataDir(), LIMIT_DEPTH: '9', LIMIT_COST_ANONYMOUS: '100' });
    expect(c.limits.signedIn.depth).toBe(9);
    expect(c.limits.anonymous.cost).toBe(100);
    expect(c.limits.anonymous.depth).toBe(DEFAULT_LIMITS.anonymous.depth);
    expect(errorOf({ STUDYSPOT_DATA_DIR: dataDir(), LIMIT_FIELDS: 'lots' }).message).toBe('LIMIT_FIELDS: expected a whole number from 1 to 1000000000, got "lots"');
  });

  it('reads the gateway path settings: forwarding, lean HTTP, trusted documents, subgraph sockets', () => {
    const dir = dataDir();
    expect(loadConfig({ STUDYSPOT_DATA_DIR: dir }).gatewayPath).toEqual({ forward: true, leanHttp: true, trusted: 'off', trustedFiles: [], socketDir: null });
    expect(
      loadConfig({ STUDYSPOT_DATA_DIR: dir, GATEWAY_FORWARD: '0', GATEWAY_LEAN_HTTP: '0', TRUSTED_DOCUMENTS: 'anonymous', TRUSTED_DOCUMENTS_FILES: 'a.json, b.json', SUBGRAPH_SOCKET_DIR: '/run/studyspot' }).gatewayPath,
    ).toEqual({ forward: false, leanHttp: false, trusted: 'anonymous', trustedFiles: ['a.json', 'b.json'], socketDir: '/run/studyspot' });
    expect(errorOf({ STUDYSPOT_DATA_DIR: dir, TRUSTED_DOCUMENTS: 'some' }).variable).toBe('TRUSTED_DOCUMENTS');
    expect(errorOf({ STUDYSPOT_DATA_DIR: dir, SUBGRAPH_SOCKET_DIR: 'relative/dir' }).variable).toBe('SUBGRAPH_SOCKET_DIR');
  });

  it('reads live subscription limits', () => {
    const c = loadConfig({ STUDYSPOT_DATA_DIR: dataDir(), LIVE_PER_SOCKET: '5', LIVE_COALESCE_MS: '100' });
    expect(c.live).toMatchObject({ perSocket: 5, coalesceMs: 100, perUser: 100, slowConsumerBytes: 1_048_576 });
    expect(errorOf({ STUDYSPOT_DATA_DIR: dataDir(), LIVE_QUEUE: '0' }).message).toBe('LIVE_QUEUE: expected a whole number from 1 to 1000000000, got "0"');
  });

  it('uses servers when DATABASE_URL and REDIS_URL are set', () => {
    const c = loadConfig({ STUDYSPOT_DATA_DIR: dataDir(), DATABASE_URL: 'postgresql://u@db:5432/core', REDIS_URL: 'redis://cache:6379' });
    expect(c.database).toEqual({ kind: 'postgres', coreUrl: 'postgresql://u@db:5432/core' });
    expect(c.redisUrl).toBe('redis://cache:6379');
    expect(c.seedDemo).toBe(false);
  });

  it.each([
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL: not a valid URL'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL: expected postgres:// or postgresql://, got mysql://'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL: expected redis://, rediss://, redis-sentinel:// or redis-cluster://, got http://'],
    [{ PORT: 'eighty' }, 'PORT: expected a whole number from 0 to 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT: expected a whole number from 0 to 65535, got "70000"'],
    [{ SUBGRAPH_MODE: 'cloud' }, 'SUBGRAPH_MODE: expected "local" or "remote", got "cloud"'],
    [{ JWT_KEYS: 'k:short', GATEWAY_SECRET: 'x'.repeat(20) }, 'JWT_KEYS: key "k" is shorter than 32 characters'],
    [{ NODE_ENV: 'production', GATEWAY_SECRET: 'x'.repeat(20) }, 'JWT_KEYS: required in production (kid:secret[,kid:secret…])'],
    [{ NODE_ENV: 'production', JWT_KEYS: keys }, 'GATEWAY_SECRET: required in production'],
    [{ NODE_ENV: 'production', JWT_KEYS: keys, GATEWAY_SECRET: 'x'.repeat(20), STUDYSPOT_INSECURE_LOG_OTP_CODES: '1' }, "PAYMENT_SECRETS_KEYS: required in production (kid:base64 of 32 random bytes[,…]); it encrypts tenants' gateway secrets"],
    [{ PAYMENT_SECRETS_KEYS: 'k1:short' }, 'PAYMENT_SECRETS_KEYS: key "k1" must be 32 bytes (base64 of 32 random bytes)'],
    [{ NODE_ENV: 'production', JWT_KEYS: keys, GATEWAY_SECRET: 'x'.repeat(20), STUDYSPOT_INSECURE_LOG_OTP_CODES: '1', PAYMENT_SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` }, 'PUBLIC_URL: required in production (https://…): payment webhooks and receipt links are built on it'],
    [{ NODE_ENV: 'production', JWT_KEYS: keys, GATEWAY_SECRET: 'x'.repeat(20), STUDYSPOT_INSECURE_LOG_OTP_CODES: '1', PAYMENT_SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, PUBLIC_URL: 'http://api.example.com' }, 'PUBLIC_URL: expected https://, got http://'],
  ])('names the variable in a one-line error: %j', (env, message) => {
    const err = errorOf({ STUDYSPOT_DATA_DIR: dataDir(), ...env });
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('\n');
  });
});
