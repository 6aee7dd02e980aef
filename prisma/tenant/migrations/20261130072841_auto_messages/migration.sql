-- CreateEnum
CREATE TYPE "AutoMessageKind" AS ENUM ('FEE_DUE_SOON', 'FEE_DUE_TODAY', 'FEE_OVERDUE', 'ABSENCE_STREAK', 'SEAT_OFFERED', 'PAYMENT_RECEIPT', 'SEAT_ALLOCATED');

-- CreateTable
CREATE TABLE "auto_message_rules" (
    "kind" "AutoMessageKind" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "template_id" UUID,
    "days" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "auto_message_rules_pkey" PRIMARY KEY ("kind")
);
