-- CreateEnum
CREATE TYPE "NotificationCategory" AS ENUM ('FEES', 'ATTENDANCE', 'SEATS', 'ANNOUNCEMENTS', 'ACCOUNT');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('IN_APP', 'EMAIL', 'SMS');

-- CreateTable
CREATE TABLE "in_app_notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "category" "NotificationCategory" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "in_app_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_preferences" (
    "user_id" UUID NOT NULL,
    "category" "NotificationCategory" NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "enabled" BOOLEAN NOT NULL,

    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id","category","channel")
);

-- CreateTable
CREATE TABLE "communication_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "quiet_from_minute" INTEGER,
    "quiet_to_minute" INTEGER,

    CONSTRAINT "communication_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "in_app_notifications_user_id_created_at_idx" ON "in_app_notifications"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "in_app_notifications_user_id_read_at_idx" ON "in_app_notifications"("user_id", "read_at");

-- One settings row; quiet hours are minutes of the IST day (both or neither).
ALTER TABLE "communication_settings" ADD CONSTRAINT "communication_settings_one_row" CHECK ("id" = 1);
ALTER TABLE "communication_settings" ADD CONSTRAINT "communication_settings_quiet_check" CHECK (
  ("quiet_from_minute" IS NULL) = ("quiet_to_minute" IS NULL)
  AND coalesce("quiet_from_minute", 0) BETWEEN 0 AND 1439 AND coalesce("quiet_to_minute", 0) BETWEEN 0 AND 1439);
