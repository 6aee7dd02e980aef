-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CASH', 'UPI_QR', 'BANK_TRANSFER', 'CARD', 'UPI', 'NETBANKING', 'WALLET', 'ONLINE');

-- CreateEnum
CREATE TYPE "PaymentChannel" AS ENUM ('OFFLINE', 'ONLINE');

-- CreateEnum
CREATE TYPE "DueKind" AS ENUM ('MONTHLY', 'DAY_PASS', 'TOP_UP');

-- CreateEnum
CREATE TYPE "DueStatus" AS ENUM ('OPEN', 'PAID', 'VOID');

-- CreateEnum
CREATE TYPE "AdjustmentKind" AS ENUM ('DISCOUNT', 'WAIVER', 'LATE_FEE');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('CREATED', 'PAID', 'FAILED', 'EXPIRED', 'REVIEW');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('PENDING', 'PROCESSED', 'FAILED');

-- CreateEnum
CREATE TYPE "LateFeeKind" AS ENUM ('NONE', 'FLAT', 'PER_DAY');

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "captured_at" TIMESTAMPTZ(3),
ADD COLUMN     "channel" "PaymentChannel" NOT NULL DEFAULT 'OFFLINE',
ADD COLUMN     "fee_paise" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "library_id" UUID,
ADD COLUMN     "method" "PaymentMethod" NOT NULL DEFAULT 'CASH',
ADD COLUMN     "note" TEXT,
ADD COLUMN     "order_id" UUID,
ADD COLUMN     "provider_payment_id" TEXT,
ADD COLUMN     "received_by_id" UUID,
ADD COLUMN     "reference" TEXT,
ADD COLUMN     "refunded_paise" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "dues" (
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "library_id" UUID NOT NULL,
    "allocation_id" UUID,
    "kind" "DueKind" NOT NULL,
    "period" INTEGER NOT NULL DEFAULT 0,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "due_date" DATE NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "adjustment_paise" INTEGER NOT NULL DEFAULT 0,
    "paid_paise" INTEGER NOT NULL DEFAULT 0,
    "status" "DueStatus" NOT NULL DEFAULT 'OPEN',
    "overdue_notified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "due_adjustments" (
    "id" UUID NOT NULL,
    "due_id" UUID NOT NULL,
    "kind" "AdjustmentKind" NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "actor_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "due_adjustments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_allocations" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "due_id" UUID NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_allocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_entries" (
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "due_id" UUID,
    "amount_paise" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_orders" (
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "library_id" UUID,
    "provider" TEXT NOT NULL,
    "provider_order_id" TEXT NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'INR',
    "status" "OrderStatus" NOT NULL DEFAULT 'CREATED',
    "routing" JSONB NOT NULL DEFAULT '{}',
    "checkout" JSONB NOT NULL DEFAULT '{}',
    "review_reason" TEXT,
    "created_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_dues" (
    "order_id" UUID NOT NULL,
    "due_id" UUID NOT NULL,
    "amount_paise" INTEGER NOT NULL,

    CONSTRAINT "order_dues_pkey" PRIMARY KEY ("order_id","due_id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "status" "RefundStatus" NOT NULL DEFAULT 'PENDING',
    "provider_refund_id" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "reopen_dues" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "failure_reason" TEXT,
    "created_by_id" UUID,
    "processed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipts" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "series_key" TEXT NOT NULL,
    "financial_year" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "taxable_paise" INTEGER NOT NULL DEFAULT 0,
    "cgst_paise" INTEGER NOT NULL DEFAULT 0,
    "sgst_paise" INTEGER NOT NULL DEFAULT 0,
    "igst_paise" INTEGER NOT NULL DEFAULT 0,
    "gstin" TEXT,
    "place_of_supply" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipt_series" (
    "series_key" TEXT NOT NULL,
    "financial_year" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "next" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "receipt_series_pkey" PRIMARY KEY ("series_key","financial_year")
);

-- CreateTable
CREATE TABLE "gateway_accounts" (
    "provider" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "webhook_secret_enc" TEXT,
    "secret_last4" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "fee_percent_bp" INTEGER NOT NULL,
    "fee_fixed_paise" INTEGER NOT NULL DEFAULT 0,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "down_until" TIMESTAMPTZ(3),
    "down_reason" TEXT,
    "checked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_accounts_pkey" PRIMARY KEY ("provider")
);

-- CreateTable
CREATE TABLE "billing_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "late_fee_kind" "LateFeeKind" NOT NULL DEFAULT 'NONE',
    "late_fee_paise" INTEGER NOT NULL DEFAULT 0,
    "late_fee_grace_days" INTEGER NOT NULL DEFAULT 0,
    "late_fee_cap_paise" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dues_student_id_status_due_date_idx" ON "dues"("student_id", "status", "due_date");

-- CreateIndex
CREATE INDEX "dues_status_due_date_idx" ON "dues"("status", "due_date");

-- CreateIndex
CREATE INDEX "dues_library_id_due_date_idx" ON "dues"("library_id", "due_date");

-- CreateIndex
CREATE INDEX "dues_created_at_id_idx" ON "dues"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "dues_allocation_id_kind_period_key" ON "dues"("allocation_id", "kind", "period");

-- CreateIndex
CREATE INDEX "due_adjustments_due_id_idx" ON "due_adjustments"("due_id");

-- CreateIndex
CREATE INDEX "payment_allocations_payment_id_idx" ON "payment_allocations"("payment_id");

-- CreateIndex
CREATE INDEX "payment_allocations_due_id_idx" ON "payment_allocations"("due_id");

-- CreateIndex
CREATE INDEX "credit_entries_student_id_idx" ON "credit_entries"("student_id");

-- CreateIndex
CREATE INDEX "credit_entries_payment_id_idx" ON "credit_entries"("payment_id");

-- CreateIndex
CREATE INDEX "payment_orders_status_created_at_idx" ON "payment_orders"("status", "created_at");

-- CreateIndex
CREATE INDEX "payment_orders_student_id_created_at_idx" ON "payment_orders"("student_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "payment_orders_provider_provider_order_id_key" ON "payment_orders"("provider", "provider_order_id");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_idempotency_key_key" ON "refunds"("idempotency_key");

-- CreateIndex
CREATE INDEX "refunds_payment_id_idx" ON "refunds"("payment_id");

-- CreateIndex
CREATE INDEX "refunds_provider_refund_id_idx" ON "refunds"("provider_refund_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_provider_event_id_key" ON "webhook_events"("provider", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_payment_id_key" ON "receipts"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_number_key" ON "receipts"("number");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_series_key_financial_year_sequence_key" ON "receipts"("series_key", "financial_year", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "payments_order_id_key" ON "payments"("order_id");

-- CreateIndex
CREATE INDEX "payments_captured_at_idx" ON "payments"("captured_at");

-- CreateIndex
CREATE UNIQUE INDEX "payments_provider_provider_payment_id_key" ON "payments"("provider", "provider_payment_id");

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "payment_orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "due_adjustments" ADD CONSTRAINT "due_adjustments_due_id_fkey" FOREIGN KEY ("due_id") REFERENCES "dues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_due_id_fkey" FOREIGN KEY ("due_id") REFERENCES "dues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_dues" ADD CONSTRAINT "order_dues_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "payment_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_dues" ADD CONSTRAINT "order_dues_due_id_fkey" FOREIGN KEY ("due_id") REFERENCES "dues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Money rules the database holds, whatever the code does.
ALTER TABLE "payments" ADD CONSTRAINT "payments_amounts" CHECK ("amount_paise" > 0 AND "refunded_paise" >= 0 AND "refunded_paise" <= "amount_paise" AND "fee_paise" >= 0);
ALTER TABLE "dues" ADD CONSTRAINT "dues_amounts" CHECK ("amount_paise" >= 0 AND "paid_paise" >= 0 AND "paid_paise" <= "amount_paise" + "adjustment_paise" AND "amount_paise" + "adjustment_paise" >= 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount" CHECK ("amount_paise" > 0);
ALTER TABLE "payment_orders" ADD CONSTRAINT "payment_orders_amount" CHECK ("amount_paise" > 0);
ALTER TABLE "order_dues" ADD CONSTRAINT "order_dues_amount" CHECK ("amount_paise" > 0);
ALTER TABLE "gateway_accounts" ADD CONSTRAINT "gateway_accounts_fees" CHECK ("fee_percent_bp" BETWEEN 0 AND 10000 AND "fee_fixed_paise" >= 0);
ALTER TABLE "receipt_series" ADD CONSTRAINT "receipt_series_next" CHECK ("next" >= 1);
UPDATE "payments" SET "captured_at" = "created_at" WHERE "status" = 'CAPTURED' AND "captured_at" IS NULL;
