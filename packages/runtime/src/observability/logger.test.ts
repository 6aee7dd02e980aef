import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('never writes a secret, at the top level or nested', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(line) });
    logger.info({ password: 'p@ss-1', headers: { authorization: 'Bearer abc.def.ghi', 'x-studyspot-gateway-secret': 'gw-secret-1' } }, 'top');
    logger.error({ err: { meta: { args: { data: { passwordHash: '$argon2id$xyz', refreshToken: 'rt-secret' } } } } }, 'nested');
    logger.info({ variables: { input: { newPassword: 'n3w-pass', currentPassword: 'old-pass' } } }, 'variables');
    const all = lines.join('\n');
    for (const secret of ['p@ss-1', 'abc.def.ghi', 'gw-secret-1', '$argon2id$xyz', 'rt-secret', 'n3w-pass', 'old-pass']) expect(all).not.toContain(secret);
    expect(all.match(/\[redacted\]/g)?.length).toBe(7);
    expect(lines).toHaveLength(3);
  });
});
