-- CreateEnum
CREATE TYPE "PlatformTicketStatus" AS ENUM ('NEW', 'OPEN', 'WAITING_ON_TENANT', 'RESOLVED', 'CLOSED');

-- CreateTable
CREATE TABLE "platform_tickets" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "raised_by_id" UUID,
    "subject" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "PlatformTicketStatus" NOT NULL DEFAULT 'NEW',
    "assignee_id" UUID,
    "first_responded_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "platform_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_ticket_messages" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "author_id" UUID,
    "from_tenant" BOOLEAN NOT NULL DEFAULT false,
    "body" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "seq" SERIAL NOT NULL,

    CONSTRAINT "platform_ticket_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "platform_tickets_number_key" ON "platform_tickets"("number");

-- CreateIndex
CREATE INDEX "platform_tickets_tenant_id_created_at_idx" ON "platform_tickets"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "platform_tickets_status_created_at_idx" ON "platform_tickets"("status", "created_at");

-- CreateIndex
CREATE INDEX "platform_ticket_messages_ticket_id_at_seq_idx" ON "platform_ticket_messages"("ticket_id", "at", "seq");

-- AddForeignKey
ALTER TABLE "platform_tickets" ADD CONSTRAINT "platform_tickets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_ticket_messages" ADD CONSTRAINT "platform_ticket_messages_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "platform_tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
