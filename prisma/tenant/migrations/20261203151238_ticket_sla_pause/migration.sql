-- AlterTable
ALTER TABLE "tickets" ADD COLUMN     "waiting_since" TIMESTAMPTZ(3);
