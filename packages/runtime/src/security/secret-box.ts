// Secrets at rest (a tenant's payment gateway keys): AES-256-GCM with a key ring from the
// environment, PAYMENT_SECRETS_KEYS="kid:base64key[,kid:base64key…]". The first key encrypts, every
// key decrypts, so keys rotate: add a new first key, re-encrypt (`pnpm secrets:rotate`), then drop
// the old one. Each sealed value names its key: v1.<kid>.<iv>.<tag>.<ciphertext>.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export class SecretBox {
  private constructor(private readonly keys: { kid: string; key: Buffer }[]) {}

  static parse(spec: string): SecretBox {
    const keys = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        const i = entry.indexOf(':');
        const kid = entry.slice(0, i);
        const key = Buffer.from(entry.slice(i + 1), 'base64');
        if (i < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new Error(`key "${entry.slice(0, 12)}…" must be kid:base64key`);
        if (key.length !== 32) throw new Error(`key "${kid}" must be 32 bytes (base64 of 32 random bytes)`);
        return { kid, key };
      });
    if (!keys.length) throw new Error('at least one key is required');
    return new SecretBox(keys);
  }

  /** A key ring derived from another secret (development only: production sets PAYMENT_SECRETS_KEYS). */
  static derived(secret: string): SecretBox {
    return new SecretBox([{ kid: 'dev', key: createHash('sha256').update(`studyspot-payment-secrets:${secret}`).digest() }]);
  }

  get currentKid(): string {
    return this.keys[0]!.kid;
  }

  seal(plaintext: string): string {
    const { kid, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [v, kid, iv, tag, ct] = sealed.split('.');
    const entry = this.keys.find((k) => k.kid === kid);
    if (v !== 'v1' || !entry || !iv || !tag || ct === undefined) throw new Error(`cannot open a secret sealed with key "${kid}": it is not in the key ring`);
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Whether a sealed value needs re-sealing with the current key. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKid;
  }
}
