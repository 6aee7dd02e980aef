-- CreateTable
CREATE TABLE "sms_requests" (
    "request_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_requests_pkey" PRIMARY KEY ("request_id")
);
