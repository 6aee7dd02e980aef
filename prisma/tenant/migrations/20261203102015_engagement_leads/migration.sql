-- CreateEnum
CREATE TYPE "LeadStageKind" AS ENUM ('OPEN', 'WON', 'LOST');

-- CreateEnum
CREATE TYPE "LeadSource" AS ENUM ('WEBSITE', 'QR_POSTER', 'WALK_IN', 'PHONE_CALL', 'WHATSAPP', 'REFERRAL', 'IMPORT', 'OTHER');

-- CreateEnum
CREATE TYPE "LeadEventKind" AS ENUM ('ENQUIRY', 'CREATED', 'NOTE', 'CALL', 'MESSAGE', 'VISIT', 'STAGE_CHANGED', 'ASSIGNED', 'FOLLOW_UP_SCHEDULED', 'FOLLOW_UP_DONE', 'CONVERTED');

-- AlterEnum
ALTER TYPE "NotificationCategory" ADD VALUE 'ADMISSIONS';

-- CreateTable
CREATE TABLE "lead_stages" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "LeadStageKind" NOT NULL DEFAULT 'OPEN',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lead_stages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leads" (
    "id" UUID NOT NULL,
    "library_id" UUID NOT NULL,
    "stage_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "email" TEXT,
    "preferred_shift_id" UUID,
    "preferred_start_date" DATE,
    "message" TEXT,
    "source" "LeadSource" NOT NULL,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "consent" BOOLEAN NOT NULL DEFAULT false,
    "consent_at" TIMESTAMPTZ(3),
    "assignee_id" UUID,
    "lost_reason" TEXT,
    "enquiries" INTEGER NOT NULL DEFAULT 1,
    "first_contact_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "student_id" UUID,
    "allocation_id" UUID,
    "converted_at" TIMESTAMPTZ(3),
    "conversion_claim" UUID,
    "conversion_claim_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lead_events" (
    "id" UUID NOT NULL,
    "lead_id" UUID NOT NULL,
    "kind" "LeadEventKind" NOT NULL,
    "actor_id" UUID,
    "body" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "lead_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lead_follow_ups" (
    "id" UUID NOT NULL,
    "lead_id" UUID NOT NULL,
    "assignee_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT NOT NULL,
    "done_at" TIMESTAMPTZ(3),
    "notified_due_at" TIMESTAMPTZ(3),
    "notified_missed_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lead_follow_ups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "lead_stages_key_key" ON "lead_stages"("key");

-- CreateIndex
CREATE INDEX "leads_stage_id_created_at_id_idx" ON "leads"("stage_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "leads_library_id_stage_id_idx" ON "leads"("library_id", "stage_id");

-- CreateIndex
CREATE INDEX "leads_assignee_id_closed_at_idx" ON "leads"("assignee_id", "closed_at");

-- CreateIndex
CREATE INDEX "leads_phone_idx" ON "leads"("phone");

-- CreateIndex
CREATE INDEX "lead_events_lead_id_at_idx" ON "lead_events"("lead_id", "at");

-- CreateIndex
CREATE INDEX "lead_follow_ups_lead_id_idx" ON "lead_follow_ups"("lead_id");

-- CreateIndex
CREATE INDEX "lead_follow_ups_done_at_due_at_idx" ON "lead_follow_ups"("done_at", "due_at");

-- AddForeignKey
ALTER TABLE "leads" ADD CONSTRAINT "leads_stage_id_fkey" FOREIGN KEY ("stage_id") REFERENCES "lead_stages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead_follow_ups" ADD CONSTRAINT "lead_follow_ups_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One open lead per phone: a second enquiry is merged into it (INSERT … ON CONFLICT on this index).
CREATE UNIQUE INDEX "leads_open_phone_key" ON "leads" ("phone") WHERE "closed_at" IS NULL;

-- Follow-ups not yet done, by due time: what the engagement sweep reads.
CREATE INDEX "lead_follow_ups_open_due_idx" ON "lead_follow_ups" ("due_at") WHERE "done_at" IS NULL;

-- The timeline is append-only.
CREATE FUNCTION lead_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'lead_events is append-only';
END $$;
CREATE TRIGGER lead_events_no_update BEFORE UPDATE ON "lead_events" FOR EACH ROW EXECUTE FUNCTION lead_events_append_only();

-- Every tenant's board starts with these stages (a tenant renames them and adds open ones between).
INSERT INTO "lead_stages" ("id", "key", "name", "position", "kind") VALUES
  (gen_random_uuid(), 'NEW', 'New', 10, 'OPEN'),
  (gen_random_uuid(), 'CONTACTED', 'Contacted', 20, 'OPEN'),
  (gen_random_uuid(), 'VISIT_SCHEDULED', 'Visit scheduled', 30, 'OPEN'),
  (gen_random_uuid(), 'VISITED', 'Visited', 40, 'OPEN'),
  (gen_random_uuid(), 'WON', 'Won', 90, 'WON'),
  (gen_random_uuid(), 'LOST', 'Lost', 100, 'LOST');
