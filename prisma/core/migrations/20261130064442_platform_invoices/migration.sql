-- CreateEnum
CREATE TYPE "PlatformInvoiceStatus" AS ENUM ('OPEN', 'PAID', 'VOID');

-- CreateTable
CREATE TABLE "platform_invoices" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "financial_year" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscription_id" UUID,
    "kind" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "status" "PlatformInvoiceStatus" NOT NULL DEFAULT 'OPEN',
    "lines" JSONB NOT NULL,
    "taxable_paise" INTEGER NOT NULL,
    "cgst_paise" INTEGER NOT NULL,
    "sgst_paise" INTEGER NOT NULL,
    "igst_paise" INTEGER NOT NULL,
    "total_paise" INTEGER NOT NULL,
    "place_of_supply" TEXT,
    "tenant_gstin" TEXT,
    "period_start" DATE,
    "period_end" DATE,
    "issued_on" DATE NOT NULL,
    "due_on" DATE NOT NULL,
    "paid_at" TIMESTAMPTZ(3),
    "payment_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_invoice_series" (
    "financial_year" TEXT NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "platform_invoice_series_pkey" PRIMARY KEY ("financial_year")
);

-- CreateIndex
CREATE UNIQUE INDEX "platform_invoices_number_key" ON "platform_invoices"("number");

-- CreateIndex
CREATE UNIQUE INDEX "platform_invoices_dedupe_key_key" ON "platform_invoices"("dedupe_key");

-- CreateIndex
CREATE INDEX "platform_invoices_tenant_id_created_at_idx" ON "platform_invoices"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "platform_invoices_financial_year_seq_key" ON "platform_invoices"("financial_year", "seq");
