-- AlterTable
ALTER TABLE "tenant_subscriptions" ADD COLUMN     "paused_from" "SubscriptionStatus";

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "test_clock_id" UUID;

-- CreateTable
CREATE TABLE "test_clocks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "frozen_time" TIMESTAMPTZ(3) NOT NULL,
    "advancing_to" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "test_clocks_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_test_clock_id_fkey" FOREIGN KEY ("test_clock_id") REFERENCES "test_clocks"("id") ON DELETE SET NULL ON UPDATE CASCADE;
