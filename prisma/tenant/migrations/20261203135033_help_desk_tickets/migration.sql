-- The help desk tells staff and students in-app (category SUPPORT).
ALTER TYPE "NotificationCategory" ADD VALUE 'SUPPORT';

-- CreateEnum
CREATE TYPE "TicketCategory" AS ENUM ('FACILITIES', 'NOISE', 'CLEANLINESS', 'SEAT', 'FEES', 'SAFETY', 'OTHER');

-- CreateEnum
CREATE TYPE "TicketPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');

-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('NEW', 'OPEN', 'WAITING_ON_STUDENT', 'RESOLVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "TicketMessageKind" AS ENUM ('PUBLIC', 'INTERNAL', 'EVENT');

-- CreateTable
CREATE TABLE "tickets" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "library_id" UUID NOT NULL,
    "seat_id" UUID,
    "student_id" UUID NOT NULL,
    "raised_by_id" UUID,
    "subject" TEXT NOT NULL,
    "category" "TicketCategory" NOT NULL,
    "priority" "TicketPriority" NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'NEW',
    "suggested_category" "TicketCategory",
    "suggested_priority" "TicketPriority",
    "suggestion_confidence" DOUBLE PRECISION,
    "assignee_id" UUID,
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "escalated_at" TIMESTAMPTZ(3),
    "first_response_due_at" TIMESTAMPTZ(3) NOT NULL,
    "resolution_due_at" TIMESTAMPTZ(3) NOT NULL,
    "first_responded_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "at_risk_at" TIMESTAMPTZ(3),
    "breached_at" TIMESTAMPTZ(3),
    "reopened_count" INTEGER NOT NULL DEFAULT 0,
    "satisfaction" INTEGER,
    "satisfaction_comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_messages" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "kind" "TicketMessageKind" NOT NULL,
    "author_id" UUID,
    "by_student" BOOLEAN NOT NULL DEFAULT false,
    "body" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "seq" SERIAL NOT NULL,

    CONSTRAINT "ticket_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_rules" (
    "id" UUID NOT NULL,
    "category" "TicketCategory" NOT NULL,
    "library_id" UUID,
    "assignee_id" UUID,
    "role" TEXT,
    "min_confidence" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ticket_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "saved_replies" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saved_replies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_slas" (
    "priority" "TicketPriority" NOT NULL,
    "first_response_minutes" INTEGER NOT NULL,
    "resolution_minutes" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ticket_slas_pkey" PRIMARY KEY ("priority")
);

-- CreateIndex
CREATE UNIQUE INDEX "tickets_number_key" ON "tickets"("number");

-- CreateIndex
CREATE INDEX "tickets_student_id_category_status_idx" ON "tickets"("student_id", "category", "status");

-- CreateIndex
CREATE INDEX "tickets_library_id_status_idx" ON "tickets"("library_id", "status");

-- CreateIndex
CREATE INDEX "tickets_assignee_id_status_idx" ON "tickets"("assignee_id", "status");

-- CreateIndex
CREATE INDEX "tickets_status_first_response_due_at_idx" ON "tickets"("status", "first_response_due_at");

-- CreateIndex
CREATE INDEX "tickets_status_resolution_due_at_idx" ON "tickets"("status", "resolution_due_at");

-- CreateIndex
CREATE INDEX "tickets_created_at_id_idx" ON "tickets"("created_at", "id");

-- CreateIndex
CREATE INDEX "ticket_messages_ticket_id_at_seq_idx" ON "ticket_messages"("ticket_id", "at", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ticket_rules_category_library_id_key" ON "ticket_rules"("category", "library_id");

-- CreateIndex
CREATE UNIQUE INDEX "saved_replies_title_key" ON "saved_replies"("title");

-- AddForeignKey
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A ticket's conversation is append-only: what a student was told, or staff noted, stays as it was.
CREATE FUNCTION ticket_messages_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ticket_messages is append-only';
END $$;
CREATE TRIGGER ticket_messages_no_update BEFORE UPDATE ON "ticket_messages" FOR EACH ROW EXECUTE FUNCTION ticket_messages_append_only();

-- Satisfaction is 1 to 5.
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_satisfaction_range" CHECK ("satisfaction" BETWEEN 1 AND 5);
