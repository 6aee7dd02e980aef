-- CreateTable
CREATE TABLE "sms_pending_reports" (
    "id" BIGSERIAL NOT NULL,
    "request_id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "desc" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_pending_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sms_pending_reports_request_id_idx" ON "sms_pending_reports"("request_id");
