-- CreateEnum
CREATE TYPE "SmsCategory" AS ENUM ('TRANSACTIONAL', 'SERVICE_IMPLICIT', 'SERVICE_EXPLICIT', 'PROMOTIONAL');

-- CreateEnum
CREATE TYPE "SmsApproval" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "SmsStatus" AS ENUM ('QUEUED', 'SENT', 'DELIVERED', 'FAILED', 'REJECTED');

-- CreateTable
CREATE TABLE "sms_senders" (
    "id" UUID NOT NULL,
    "header" TEXT NOT NULL,
    "entity_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_senders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sms_templates" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sender_id" UUID NOT NULL,
    "dlt_template_id" TEXT NOT NULL,
    "msg91_template_id" TEXT NOT NULL,
    "category" "SmsCategory" NOT NULL,
    "body" TEXT NOT NULL,
    "approval" "SmsApproval" NOT NULL DEFAULT 'PENDING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sms_messages" (
    "id" UUID NOT NULL,
    "student_id" UUID,
    "phone" TEXT NOT NULL,
    "template_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "vars" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "SmsStatus" NOT NULL DEFAULT 'QUEUED',
    "reason" TEXT,
    "parts" INTEGER NOT NULL,
    "credits" INTEGER NOT NULL,
    "reservation_id" UUID,
    "request_id" TEXT,
    "campaign_id" UUID,
    "idempotency_key" TEXT NOT NULL,
    "send_after" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sms_consents" (
    "phone" TEXT NOT NULL,
    "promotional" BOOLEAN NOT NULL DEFAULT false,
    "opted_out_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_consents_pkey" PRIMARY KEY ("phone")
);

-- CreateIndex
CREATE UNIQUE INDEX "sms_senders_header_key" ON "sms_senders"("header");

-- CreateIndex
CREATE UNIQUE INDEX "sms_templates_dlt_template_id_key" ON "sms_templates"("dlt_template_id");

-- CreateIndex
CREATE UNIQUE INDEX "sms_messages_idempotency_key_key" ON "sms_messages"("idempotency_key");

-- CreateIndex
CREATE INDEX "sms_messages_request_id_idx" ON "sms_messages"("request_id");

-- CreateIndex
CREATE INDEX "sms_messages_student_id_created_at_idx" ON "sms_messages"("student_id", "created_at");

-- CreateIndex
CREATE INDEX "sms_messages_status_send_after_idx" ON "sms_messages"("status", "send_after");

-- AddForeignKey
ALTER TABLE "sms_templates" ADD CONSTRAINT "sms_templates_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "sms_senders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "sms_templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A DLT header is six letters; parts and credits are what a message costs.
ALTER TABLE "sms_senders" ADD CONSTRAINT "sms_senders_header_check" CHECK ("header" ~ '^[A-Z]{6}$');
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_cost_check" CHECK ("parts" > 0 AND "credits" >= 0);
