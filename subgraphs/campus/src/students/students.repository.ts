// The only code that reads or writes campus's students.
import type { TenantPrisma } from '@studyspot/db';

export function findStudentByPhone(db: TenantPrisma, phone: string) {
  return db.student.findUnique({ where: { phone }, select: { id: true, name: true, status: true } });
}
