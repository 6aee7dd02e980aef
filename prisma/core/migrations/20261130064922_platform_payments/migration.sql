-- AlterTable
ALTER TABLE "platform_invoices" ADD COLUMN     "credits" INTEGER,
ADD COLUMN     "provider_order_id" TEXT;

-- CreateTable
CREATE TABLE "platform_webhook_events" (
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_webhook_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "platform_invoices_provider_order_id_key" ON "platform_invoices"("provider_order_id");
