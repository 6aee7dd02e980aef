// First run of the embedded default: a demo tenant with one library, seats and a few students, so
// a newcomer has something to query. Runs only when the core database has no tenant at all.
import type { DatabaseServer } from '@studyspot/db';
import type { Platform } from '@studyspot/runtime';
import { provisionTenant } from '@studyspot/tenancy';

export const DEMO_SLUG = 'demo';

export async function seedDemo(platform: Platform, server: DatabaseServer): Promise<boolean> {
  if ((await platform.core.tenant.count()) > 0) return false;
  const tenant = await provisionTenant(platform.core, server, { slug: DEMO_SLUG, name: 'Sunrise Study Centre' });
  await platform.core.user.createMany({
    data: [
      { name: 'Platform Admin', email: 'admin@studyspot.local', role: 'SUPER_ADMIN' },
      { name: 'Asha Kulkarni', email: 'owner@sunrise.example', role: 'OWNER', tenantId: tenant.id },
    ],
  });
  await platform.tenants.withTenant(tenant.id, async (db) => {
    const library = await db.library.create({
      data: { name: 'Sunrise Reading Room', city: 'Pune', address: '14 FC Road, Shivajinagar', capacity: 40 },
    });
    await db.seat.createMany({ data: Array.from({ length: 40 }, (_, i) => ({ libraryId: library.id, label: `A${String(i + 1).padStart(2, '0')}` })) });
    const names = ['Rohan Patil', 'Sneha Joshi', 'Imran Shaikh', 'Priya Deshmukh', 'Vikram Rao'];
    for (const [i, name] of names.entries()) {
      const student = await db.student.create({ data: { name, phone: `9198765432${10 + i}`, libraryId: library.id } });
      await db.payment.create({ data: { studentId: student.id, amountPaise: 150_000, status: 'CAPTURED', provider: i % 2 ? 'cashfree' : 'razorpay' } });
      await db.notification.create({ data: { studentId: student.id, channel: 'sms', body: `Hi ${name.split(' ')[0]}, your seat fee of Rs 1500 is received.`, status: 'DELIVERED' } });
    }
  });
  return true;
}
