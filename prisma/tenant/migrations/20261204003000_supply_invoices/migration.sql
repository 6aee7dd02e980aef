-- CreateTable
CREATE TABLE "supply_invoices" (
    "id" UUID NOT NULL,
    "receipt_id" UUID NOT NULL,
    "due_id" UUID NOT NULL,
    "series_key" TEXT NOT NULL,
    "financial_year" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "issued_on" DATE NOT NULL,
    "amount_paise" INTEGER NOT NULL,
    "taxable_paise" INTEGER NOT NULL,
    "cgst_paise" INTEGER NOT NULL,
    "sgst_paise" INTEGER NOT NULL,
    "igst_paise" INTEGER NOT NULL,
    "gstin" TEXT NOT NULL,
    "place_of_supply" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "supply_invoices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "supply_invoices_number_key" ON "supply_invoices"("number");

-- CreateIndex
CREATE INDEX "supply_invoices_receipt_id_idx" ON "supply_invoices"("receipt_id");

-- CreateIndex
CREATE UNIQUE INDEX "supply_invoices_receipt_id_due_id_key" ON "supply_invoices"("receipt_id", "due_id");

-- CreateIndex
CREATE UNIQUE INDEX "supply_invoices_series_key_financial_year_sequence_key" ON "supply_invoices"("series_key", "financial_year", "sequence");
