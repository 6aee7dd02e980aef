-- CreateEnum
CREATE TYPE "ReferralRewardKind" AS ENUM ('FIXED', 'PERCENT');

-- CreateEnum
CREATE TYPE "ReferralStatus" AS ENUM ('PENDING', 'EARNED', 'CLAWED_BACK', 'EXPIRED');

-- AlterEnum
ALTER TYPE "AdjustmentKind" ADD VALUE 'DISCOUNT_REVERSED';

-- AlterTable
ALTER TABLE "leads" ADD COLUMN     "referrer_student_id" UUID;

-- CreateTable
CREATE TABLE "referral_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "reward_kind" "ReferralRewardKind" NOT NULL,
    "reward_paise" INTEGER NOT NULL,
    "reward_basis_points" INTEGER NOT NULL,
    "monthly_cap_paise" INTEGER NOT NULL,
    "clawback_days" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "referral_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "referrals" (
    "id" UUID NOT NULL,
    "referrer_student_id" UUID NOT NULL,
    "referred_student_id" UUID NOT NULL,
    "library_id" UUID,
    "lead_id" UUID,
    "status" "ReferralStatus" NOT NULL DEFAULT 'PENDING',
    "first_payment_id" UUID,
    "first_payment_paise" INTEGER,
    "first_paid_at" TIMESTAMPTZ(3),
    "reward_paise" INTEGER NOT NULL DEFAULT 0,
    "reward_month" TEXT,
    "note" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "referrals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "referral_rewards" (
    "id" UUID NOT NULL,
    "referral_id" UUID NOT NULL,
    "due_id" UUID NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "reversed_at" TIMESTAMPTZ(3),

    CONSTRAINT "referral_rewards_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "referrals_referred_student_id_key" ON "referrals"("referred_student_id");

-- CreateIndex
CREATE INDEX "referrals_referrer_student_id_reward_month_idx" ON "referrals"("referrer_student_id", "reward_month");

-- CreateIndex
CREATE INDEX "referrals_status_idx" ON "referrals"("status");

-- CreateIndex
CREATE INDEX "referrals_library_id_created_at_idx" ON "referrals"("library_id", "created_at");

-- CreateIndex
CREATE INDEX "referrals_created_at_id_idx" ON "referrals"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "referral_rewards_idempotency_key_key" ON "referral_rewards"("idempotency_key");

-- CreateIndex
CREATE INDEX "referral_rewards_referral_id_idx" ON "referral_rewards"("referral_id");

-- AddForeignKey
ALTER TABLE "referral_rewards" ADD CONSTRAINT "referral_rewards_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
