-- AlterEnum
ALTER TYPE "SmsStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "due_adjustments" ADD COLUMN     "idempotency_key" TEXT;

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "idempotency_key" TEXT;

-- AlterTable
ALTER TABLE "sms_messages" ADD COLUMN     "category" "NotificationCategory";

-- CreateIndex
CREATE UNIQUE INDEX "due_adjustments_idempotency_key_key" ON "due_adjustments"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "payments_idempotency_key_key" ON "payments"("idempotency_key");
