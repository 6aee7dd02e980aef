-- CreateEnum
CREATE TYPE "LibraryStatus" AS ENUM ('ACTIVE', 'CLOSED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "SeatKind" AS ENUM ('AC', 'NON_AC', 'CABIN', 'LOUNGE');

-- CreateEnum
CREATE TYPE "SeatStatus" AS ENUM ('AVAILABLE', 'MAINTENANCE');

-- CreateEnum
CREATE TYPE "IdProofType" AS ENUM ('AADHAAR', 'PAN', 'DRIVING_LICENCE', 'PASSPORT', 'VOTER_ID', 'STUDENT_ID');

-- CreateEnum
CREATE TYPE "AllocationKind" AS ENUM ('MONTHLY', 'DAY_PASS');

-- CreateEnum
CREATE TYPE "AllocationStatus" AS ENUM ('HELD', 'ACTIVE', 'PAUSED', 'CANCELLED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "WaitlistStatus" AS ENUM ('WAITING', 'OFFERED', 'ACCEPTED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "VisitSource" AS ENUM ('KIOSK_QR', 'STAFF');

-- AlterEnum
ALTER TYPE "StudentStatus" ADD VALUE 'LEFT';

-- AlterTable
ALTER TABLE "libraries" ADD COLUMN     "amenities" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "latitude" DOUBLE PRECISION,
ADD COLUMN     "longitude" DOUBLE PRECISION,
ADD COLUMN     "opening_hours" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "state" TEXT,
ADD COLUMN     "status" "LibraryStatus" NOT NULL DEFAULT 'ACTIVE';

-- AlterTable
ALTER TABLE "seats" ADD COLUMN     "kind" "SeatKind" NOT NULL DEFAULT 'NON_AC',
ADD COLUMN     "status" "SeatStatus" NOT NULL DEFAULT 'AVAILABLE',
ADD COLUMN     "zone" TEXT NOT NULL DEFAULT 'Main';

-- AlterTable
ALTER TABLE "students" ADD COLUMN     "address" TEXT,
ADD COLUMN     "guardian_name" TEXT,
ADD COLUMN     "guardian_phone" TEXT,
ADD COLUMN     "id_proof_last4" TEXT,
ADD COLUMN     "id_proof_type" "IdProofType",
ADD COLUMN     "joined_on" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "photo_url" TEXT,
ADD COLUMN     "preparing_for" TEXT;

-- CreateTable
CREATE TABLE "shifts" (
    "id" UUID NOT NULL,
    "library_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "start_minute" INTEGER NOT NULL,
    "end_minute" INTEGER NOT NULL,
    "monthly_price_paise" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shifts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "seat_allocations" (
    "id" UUID NOT NULL,
    "library_id" UUID NOT NULL,
    "seat_id" UUID NOT NULL,
    "shift_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "kind" "AllocationKind" NOT NULL DEFAULT 'MONTHLY',
    "status" "AllocationStatus" NOT NULL DEFAULT 'ACTIVE',
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "shift_start" INTEGER NOT NULL,
    "shift_end" INTEGER NOT NULL,
    "paused_from" DATE,
    "paused_until" DATE,
    "hold_expires_at" TIMESTAMPTZ(3),
    "price_paise" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seat_allocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "waitlist_entries" (
    "id" UUID NOT NULL,
    "library_id" UUID NOT NULL,
    "shift_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "status" "WaitlistStatus" NOT NULL DEFAULT 'WAITING',
    "offer_allocation_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "waitlist_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "visits" (
    "id" UUID NOT NULL,
    "library_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "seat_id" UUID,
    "checked_in_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_out_at" TIMESTAMPTZ(3),
    "in_source" "VisitSource" NOT NULL,
    "out_source" "VisitSource",
    "auto_closed" BOOLEAN NOT NULL DEFAULT false,
    "day" DATE NOT NULL,

    CONSTRAINT "visits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kiosk_token_uses" (
    "nonce" TEXT NOT NULL,
    "student_id" UUID NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kiosk_token_uses_pkey" PRIMARY KEY ("nonce","student_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "shifts_library_id_name_key" ON "shifts"("library_id", "name");

-- CreateIndex
CREATE INDEX "seat_allocations_student_id_status_idx" ON "seat_allocations"("student_id", "status");

-- CreateIndex
CREATE INDEX "seat_allocations_library_id_start_date_end_date_idx" ON "seat_allocations"("library_id", "start_date", "end_date");

-- CreateIndex
CREATE INDEX "seat_allocations_seat_id_idx" ON "seat_allocations"("seat_id");

-- CreateIndex
CREATE UNIQUE INDEX "waitlist_entries_offer_allocation_id_key" ON "waitlist_entries"("offer_allocation_id");

-- CreateIndex
CREATE INDEX "waitlist_entries_library_id_shift_id_status_created_at_idx" ON "waitlist_entries"("library_id", "shift_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "visits_library_id_checked_in_at_idx" ON "visits"("library_id", "checked_in_at");

-- CreateIndex
CREATE INDEX "visits_student_id_checked_in_at_idx" ON "visits"("student_id", "checked_in_at");

-- CreateIndex
CREATE INDEX "visits_library_id_day_idx" ON "visits"("library_id", "day");

-- CreateIndex
CREATE INDEX "libraries_city_idx" ON "libraries"("city");

-- CreateIndex
CREATE INDEX "libraries_latitude_longitude_idx" ON "libraries"("latitude", "longitude");

-- CreateIndex
CREATE INDEX "seats_library_id_zone_idx" ON "seats"("library_id", "zone");

-- CreateIndex
CREATE INDEX "students_created_at_id_idx" ON "students"("created_at", "id");

-- AddForeignKey
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_library_id_fkey" FOREIGN KEY ("library_id") REFERENCES "libraries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_library_id_fkey" FOREIGN KEY ("library_id") REFERENCES "libraries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_seat_id_fkey" FOREIGN KEY ("seat_id") REFERENCES "seats"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_shift_id_fkey" FOREIGN KEY ("shift_id") REFERENCES "shifts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "students"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_library_id_fkey" FOREIGN KEY ("library_id") REFERENCES "libraries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_shift_id_fkey" FOREIGN KEY ("shift_id") REFERENCES "shifts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "students"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_offer_allocation_id_fkey" FOREIGN KEY ("offer_allocation_id") REFERENCES "seat_allocations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visits" ADD CONSTRAINT "visits_library_id_fkey" FOREIGN KEY ("library_id") REFERENCES "libraries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visits" ADD CONSTRAINT "visits_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "students"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visits" ADD CONSTRAINT "visits_seat_id_fkey" FOREIGN KEY ("seat_id") REFERENCES "seats"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: rules Prisma's schema language cannot state. (No semicolons in comments: the
-- schema engine's adapters split on them.)
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Shift times as a set of minute ranges on the 24-hour circle: a shift that crosses midnight is two ranges.
CREATE FUNCTION shift_span(start_minute int, end_minute int) RETURNS int4multirange
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN start_minute < end_minute THEN int4multirange(int4range(start_minute, end_minute))
    ELSE int4multirange(int4range(start_minute, 1440), int4range(0, end_minute))
  END;

ALTER TABLE "shifts" ADD CONSTRAINT "shifts_minutes_check"
  CHECK (start_minute BETWEEN 0 AND 1439 AND end_minute BETWEEN 0 AND 1439 AND start_minute <> end_minute AND monthly_price_paise >= 0);

ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_dates_check" CHECK (start_date <= end_date);
ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_shift_check"
  CHECK (shift_start BETWEEN 0 AND 1439 AND shift_end BETWEEN 0 AND 1439 AND shift_start <> shift_end);

-- No double booking: the same seat, overlapping dates and overlapping shift times cannot both be live.
ALTER TABLE "seat_allocations" ADD CONSTRAINT "seat_allocations_no_double_booking"
  EXCLUDE USING gist (
    seat_id WITH =,
    daterange(start_date, end_date, '[]') WITH &&,
    shift_span(shift_start, shift_end) WITH &&
  ) WHERE (status IN ('HELD', 'ACTIVE', 'PAUSED'));

-- One open visit per student.
CREATE UNIQUE INDEX "visits_one_open_per_student" ON "visits" ("student_id") WHERE checked_out_at IS NULL;

-- A student waits at most once per library and shift.
CREATE UNIQUE INDEX "waitlist_one_live_entry" ON "waitlist_entries" ("student_id", "library_id", "shift_id") WHERE status IN ('WAITING', 'OFFERED');
