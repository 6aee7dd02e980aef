import { describe, expect, it } from 'vitest';
import { mayPrefillToken } from './explorer.ts';

const from = (remoteAddress: string) => ({ socket: { remoteAddress } }) as Parameters<typeof mayPrefillToken>[1];

describe("the explorer's prefilled token", () => {
  it('goes only to a browser on this machine, and never in production', () => {
    for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(mayPrefillToken(false, from(local))).toBe(true);
    for (const other of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', '']) expect(mayPrefillToken(false, from(other))).toBe(false);
    expect(mayPrefillToken(true, from('127.0.0.1'))).toBe(false);
  });
});
