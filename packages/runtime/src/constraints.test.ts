import { describe, expect, it } from 'vitest';
import { constraintViolation, isViolation, orViolation } from './constraints.ts';

describe('constraintViolation', () => {
  it("reads Prisma's P2002 and the adapter's SQLSTATEs, and nothing else", () => {
    expect(constraintViolation({ code: 'P2002', meta: { target: ['phone'] } })?.kind).toBe('unique');
    expect(constraintViolation({ code: 'P2002', meta: { target: ['phone'] } })?.on('phone')).toBe(true);
    expect(constraintViolation({ meta: { driverAdapterError: { cause: { originalCode: '23505' } } } })?.kind).toBe('unique');
    expect(constraintViolation({ meta: { driverAdapterError: { cause: { originalCode: '23P01' } } } })?.kind).toBe('exclusion');
    expect(constraintViolation({ message: 'conflicting key value violates exclusion constraint "no_double_booking"' })?.on('no_double_booking')).toBe(true);
    expect(constraintViolation(new Error('connection refused'))).toBeNull();
    expect(constraintViolation(undefined)).toBeNull();
  });

  it('orViolation returns the violation and rethrows anything else', async () => {
    const v = await orViolation(Promise.reject({ code: 'P2002', meta: { target: ['email'] } }));
    expect(isViolation(v) && v.on('email')).toBe(true);
    expect(await orViolation(Promise.resolve(7))).toBe(7);
    await expect(orViolation(Promise.reject(new Error('database down')))).rejects.toThrow('database down');
  });
});

describe('ConstraintViolation.on', () => {
  it('reads the columns and constraint name, never values quoted in the message', () => {
    const v = constraintViolation({ code: 'P2002', meta: { target: ['email'] }, message: 'Invalid `prisma.user.create()` invocation: { phone: "9876543210" } Unique constraint failed on the fields: (`email`)' });
    expect(v?.on('email')).toBe(true);
    expect(v?.on('phone')).toBe(false);
  });
});
