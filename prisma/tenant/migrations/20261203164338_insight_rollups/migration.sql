-- CreateTable
CREATE TABLE "insight_library_days" (
    "library_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "final" BOOLEAN NOT NULL DEFAULT false,
    "check_ins" INTEGER NOT NULL,
    "unique_students" INTEGER NOT NULL,
    "occupancy_minutes" INTEGER[],
    "seats" INTEGER NOT NULL,
    "allocated" INTEGER NOT NULL,
    "paused" INTEGER NOT NULL,
    "new_students" INTEGER NOT NULL,
    "leaving_students" INTEGER NOT NULL,
    "dues_raised_paise" INTEGER NOT NULL,
    "collected_paise" INTEGER NOT NULL,
    "collected_by_age_paise" INTEGER[],
    "refunded_paise" INTEGER NOT NULL,
    "overdue_paise" INTEGER NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insight_library_days_pkey" PRIMARY KEY ("library_id","day")
);

-- CreateTable
CREATE TABLE "insight_tenant_days" (
    "day" DATE NOT NULL,
    "final" BOOLEAN NOT NULL DEFAULT false,
    "sms_sent" INTEGER NOT NULL,
    "sms_delivered" INTEGER NOT NULL,
    "sms_credits" INTEGER NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insight_tenant_days_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "insight_library_days_day_idx" ON "insight_library_days"("day");

-- Every day row has an hour for each of 24 and the five lateness buckets.
ALTER TABLE "insight_library_days" ADD CONSTRAINT "insight_library_days_shape" CHECK (cardinality("occupancy_minutes") = 24 AND cardinality("collected_by_age_paise") = 5);
